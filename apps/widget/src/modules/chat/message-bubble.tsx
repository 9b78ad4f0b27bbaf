import type { api } from "@parley/backend/api";
import type { FunctionReturnType } from "convex/server";
import { lazy, Suspense } from "react";

import { isPending } from "./use-send-message";

/**
 * The Markdown renderer is its own chunk, fetched as soon as the first message
 * renders; until it arrives the text shows as it is, so nothing waits on it.
 */
const Markdown = lazy(() => import("./markdown"));

/** Only web links become clickable; anything else (e.g. `javascript:`) shows as text. */
const webUrl = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

export type MessageView = FunctionReturnType<typeof api.public.messages.list>["page"][number];

/** One message, styled by who wrote it. */
export function MessageBubble({ message, agentName }: { message: MessageView; agentName: string }) {
  if (message.role === "system") {
    return (
      <p
        data-role="system"
        className="mx-auto max-w-[90%] rounded-lg border border-dashed px-3 py-2 text-center text-xs text-muted-foreground"
      >
        {message.body}
      </p>
    );
  }

  if (message.role === "visitor") {
    const pending = isPending(message._id);
    return (
      <div
        data-role="visitor"
        aria-busy={pending}
        className={`max-w-[85%] self-end rounded-2xl rounded-br-sm bg-primary px-3 py-2 text-sm break-words whitespace-pre-wrap text-primary-foreground ${pending ? "opacity-60" : ""}`}
      >
        {message.body}
        {pending && <span className="sr-only"> (sending)</span>}
      </div>
    );
  }

  // Visitors see who is answering: the operator's name, or the agent's.
  const author = message.role === "operator" ? (message.authorName ?? "Support team") : agentName;
  const streaming = message.status === "streaming";
  return (
    <div data-role={message.role} className="flex max-w-[85%] flex-col gap-1 self-start">
      <span className="text-xs text-muted-foreground">{author}</span>
      <div
        aria-busy={streaming}
        className={`rounded-2xl rounded-bl-sm px-3 py-2 text-sm break-words ${
          message.role === "operator" ? "border bg-background" : "bg-muted"
        }`}
      >
        {streaming && message.body === "" ? (
          <TypingIndicator name={author} />
        ) : (
          <>
            <Suspense fallback={<p className="whitespace-pre-wrap">{message.body}</p>}>
              <Markdown text={message.body} />
            </Suspense>
            {streaming && (
              <span
                aria-hidden
                className="ml-0.5 inline-block h-3.5 w-1.5 animate-pulse bg-current align-middle"
              />
            )}
          </>
        )}
        {message.status === "failed" && (
          <p className="mt-1 text-xs text-destructive">This reply could not be completed.</p>
        )}
      </div>
      {message.sources.length > 0 && !streaming && (
        <div data-testid="message-sources" className="text-xs text-muted-foreground">
          <span>Sources: </span>
          {message.sources.map((source, index) => (
            <span key={source._id}>
              {index > 0 && ", "}
              {webUrl(source.url) ? (
                <a
                  href={webUrl(source.url)}
                  target="_blank"
                  rel="noopener noreferrer"
                  className="underline underline-offset-2"
                >
                  {source.title}
                  {source.section && ` › ${source.section}`}
                </a>
              ) : (
                <>
                  {source.title}
                  {source.section && ` › ${source.section}`}
                </>
              )}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** Three pulsing dots while a reply has started but has no text yet. */
export function TypingIndicator({ name }: { name: string }) {
  return (
    <span role="status" aria-label={`${name} is typing`} className="flex h-5 items-center gap-1">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          aria-hidden
          className="size-1.5 animate-bounce rounded-full bg-current opacity-60"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </span>
  );
}
