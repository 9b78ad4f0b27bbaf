"use client";

import Markdown, { type MarkdownToJSX } from "markdown-to-jsx";
import { Fragment, memo, type ComponentProps } from "react";

/** Links open in a new tab without a handle on the dashboard (`noopener`) or its URL. */
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
 * AI and operator messages as Markdown, the way the widget shows them to the
 * visitor (same library and options): React elements only, raw HTML shows as
 * text and `javascript:` URLs are dropped.
 */
const options: MarkdownToJSX.Options = {
  disableParsingRawHTML: true,
  forceBlock: true,
  wrapper: Fragment,
  overrides: {
    a: Link,
    p: { props: { className: "whitespace-pre-wrap [&:not(:first-child)]:mt-2" } },
    ul: { props: { className: "mt-2 list-disc pl-5" } },
    ol: { props: { className: "mt-2 list-decimal pl-5" } },
    code: { props: { className: "rounded bg-muted px-1 font-mono text-[0.85em]" } },
    pre: { props: { className: "mt-2 overflow-x-auto rounded bg-muted p-2" } },
  },
};

/** Memoized: a streaming answer re-renders often, and only the last message changes. */
export const MessageMarkdown = memo(function MessageMarkdown({ text }: { text: string }) {
  return <Markdown options={options}>{text}</Markdown>;
});
