import Markdown, { type MarkdownToJSX } from "markdown-to-jsx";
import { Fragment, memo, type ComponentProps } from "react";

/**
 * Links open in a new tab without giving that tab a handle on the widget
 * (`noopener`) or our URL (`noreferrer`).
 */
function Link(props: ComponentProps<"a">) {
  return (
    <a
      {...props}
      target="_blank"
      rel="noopener noreferrer"
      className="font-medium underline underline-offset-2"
    />
  );
}

/**
 * Message text as Markdown (markdown-to-jsx, ~7 KB gzipped). It renders React
 * elements, never HTML strings: raw HTML in a message shows as text
 * (`disableParsingRawHTML`), and its URL sanitizer drops `javascript:`,
 * `vbscript:` and `data:` URLs (but `data:image/…`).
 */
const options: MarkdownToJSX.Options = {
  disableParsingRawHTML: true,
  // Always paragraphs, even for one line, so every message is laid out alike.
  forceBlock: true,
  wrapper: Fragment,
  overrides: {
    a: Link,
    p: { props: { className: "whitespace-pre-wrap [&:not(:first-child)]:mt-2" } },
    ul: { props: { className: "mt-2 list-disc pl-5" } },
    ol: { props: { className: "mt-2 list-decimal pl-5" } },
    code: { props: { className: "rounded bg-background/60 px-1 font-mono text-[0.85em]" } },
    pre: { props: { className: "mt-2 overflow-x-auto rounded bg-background/60 p-2" } },
  },
};

/** Memoized: a streaming reply re-renders often, and only its last message changes. */
const ChatMarkdown = memo(function ChatMarkdown({ text }: { text: string }) {
  return <Markdown options={options}>{text}</Markdown>;
});
// Kept by the minifier: bench/widget-size.ts finds this renderer's chunk by it.
ChatMarkdown.displayName = "ChatMarkdown";

export default ChatMarkdown;
