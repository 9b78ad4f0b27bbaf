import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";

/**
 * Message text as Markdown. react-markdown never renders raw HTML and drops
 * unsafe URLs (`javascript:` and the like); links open in a new tab without
 * giving that tab a handle on the widget (`noopener`) or our URL (`noreferrer`).
 */
const components: Components = {
  a: ({ node: _node, ...props }) => (
    <a
      {...props}
      target="_blank"
      rel="noopener noreferrer"
      className="font-medium underline underline-offset-2"
    />
  ),
  p: ({ node: _node, ...props }) => (
    <p {...props} className="whitespace-pre-wrap [&:not(:first-child)]:mt-2" />
  ),
  ul: ({ node: _node, ...props }) => <ul {...props} className="mt-2 list-disc pl-5" />,
  ol: ({ node: _node, ...props }) => <ol {...props} className="mt-2 list-decimal pl-5" />,
  code: ({ node: _node, ...props }) => (
    <code {...props} className="rounded bg-background/60 px-1 font-mono text-[0.85em]" />
  ),
  pre: ({ node: _node, ...props }) => (
    <pre {...props} className="mt-2 overflow-x-auto rounded bg-background/60 p-2" />
  ),
};

/** Memoized: a streaming reply re-renders often, and only its last message changes. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return <ReactMarkdown components={components}>{text}</ReactMarkdown>;
});
// Kept by the minifier: bench/widget-size.ts finds this renderer's chunk by it.
Markdown.displayName = "ChatMarkdown";
