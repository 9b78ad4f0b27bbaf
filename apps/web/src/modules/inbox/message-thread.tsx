"use client";

import { api } from "@parley/backend/api";
import { Button } from "@parley/ui/components/button";
import { cn } from "@parley/ui/lib/utils";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import { Bot, Lock } from "lucide-react";
import { useEffect, useLayoutEffect, useRef } from "react";

import { EmptyState, LoadingState } from "~/modules/dashboard/states";

import type { ConversationId, MessageView } from "./data";
import { MessageMarkdown } from "./markdown";
import { useStreamedMessages } from "./use-streamed-messages";

const PAGE_SIZE = 30;
/** Closer than this to the bottom counts as "following the conversation". */
const STICKY_PX = 80;

/** A message the operator sent that the backend has not confirmed yet. */
export type PendingMessage = { key: string; role: "operator" | "note"; body: string; at: number };

function TypingDots() {
  return (
    <span className="inline-flex gap-0.5" aria-hidden="true">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          className="size-1.5 animate-bounce rounded-full bg-current opacity-60"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </span>
  );
}

function time(timestamp: number) {
  return new Date(timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function Message({ message, pending }: { message: MessageView; pending?: boolean }) {
  const at = time(message._creationTime);
  switch (message.role) {
    case "system":
    case "event":
      return (
        <li
          data-role={message.role}
          className="flex items-center gap-3 self-stretch text-center text-xs text-muted-foreground"
        >
          <span className="h-px flex-1 bg-border" aria-hidden="true" />
          <span className="max-w-[80%]">
            {message.role === "system" && <span className="sr-only">Shown to the visitor: </span>}
            {message.body} · {at}
          </span>
          <span className="h-px flex-1 bg-border" aria-hidden="true" />
        </li>
      );
    case "note":
      return (
        <li
          data-role="note"
          data-pending={pending || undefined}
          className={cn(
            "flex max-w-[85%] flex-col gap-1 self-end rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100",
            pending && "opacity-60",
          )}
        >
          <span className="flex items-center gap-1.5 text-xs font-medium">
            <Lock className="size-3" aria-hidden="true" />
            Note by {message.authorName ?? "you"} · Only your team sees this
          </span>
          <p className="text-sm whitespace-pre-wrap">{message.body}</p>
          <span className="text-right text-[11px] opacity-70">{pending ? "Saving…" : at}</span>
        </li>
      );
    case "visitor":
      return (
        <li data-role="visitor" className="flex max-w-[80%] flex-col gap-1 self-start">
          <p className="rounded-lg rounded-bl-sm bg-muted px-3 py-2 text-sm whitespace-pre-wrap">
            {message.body}
          </p>
          <span className="text-[11px] text-muted-foreground">Visitor · {at}</span>
        </li>
      );
    case "ai": {
      const streaming = message.status === "streaming";
      return (
        <li data-role="ai" className="flex max-w-[80%] flex-col items-end gap-1 self-end">
          <div
            aria-busy={streaming || undefined}
            className="rounded-lg rounded-br-sm border bg-background px-3 py-2 text-sm break-words"
          >
            <MessageMarkdown text={message.body} />
            {streaming && (
              <span className="ml-1 inline-flex text-muted-foreground">
                <TypingDots />
                <span className="sr-only">The AI agent is writing…</span>
              </span>
            )}
            {message.status === "failed" && (
              <p className="mt-1 text-xs text-destructive">This answer could not be completed.</p>
            )}
            {message.sources.length > 0 && (
              <p
                className="mt-2 border-t pt-1.5 text-xs text-muted-foreground"
                data-testid="sources"
              >
                Sources:{" "}
                {message.sources.map((source, index) => (
                  <span key={source._id}>
                    {index > 0 && ", "}
                    {source.url ? (
                      <a
                        href={source.url}
                        target="_blank"
                        rel="noopener noreferrer"
                        className="underline underline-offset-2 hover:text-foreground"
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
              </p>
            )}
          </div>
          <span className="flex items-center gap-1 text-[11px] text-muted-foreground">
            <Bot className="size-3" aria-hidden="true" /> AI agent · {at}
          </span>
        </li>
      );
    }
    case "operator":
      return (
        <li
          data-role="operator"
          data-pending={pending || undefined}
          className={cn(
            "flex max-w-[80%] flex-col items-end gap-1 self-end",
            pending && "opacity-60",
          )}
        >
          <div className="rounded-lg rounded-br-sm bg-primary px-3 py-2 text-sm break-words text-primary-foreground">
            <MessageMarkdown text={message.body} />
          </div>
          <span className="text-[11px] text-muted-foreground">
            {message.authorName ?? "You"} · {pending ? "Sending…" : at}
          </span>
        </li>
      );
  }
}

/**
 * The conversation's messages, live: oldest at the top, older pages loaded
 * when scrolled to the top, following new messages unless the operator has
 * scrolled up to read. Marks the conversation read when new ones arrive.
 */
export function MessageThread({
  conversationId,
  pending,
}: {
  conversationId: ConversationId;
  pending: PendingMessage[];
}) {
  const paginated = usePaginatedQuery(
    api.private.messages.list,
    { conversationId },
    { initialNumItems: PAGE_SIZE },
  );
  const { status, loadMore } = paginated;
  const results = useStreamedMessages(paginated.results, conversationId);
  const typing = useQuery(api.private.typing.get, { conversationId });
  const markRead = useMutation(api.private.conversations.markRead);
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const heightBeforeOlder = useRef<number | null>(null);

  const newest = results[0];
  const newestKey = newest ? `${newest._id}:${newest.body.length}` : "";

  // Read up to the newest message, on open and whenever one arrives.
  const newestId = newest?._id;
  useEffect(() => {
    if (!newestId) return;
    markRead({ conversationId }).catch(() => {
      // Read markers are best-effort: the list's dot stays until the next message.
    });
  }, [conversationId, newestId, markRead]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (heightBeforeOlder.current !== null) {
      // Older messages were added above: keep what the operator was reading in place.
      element.scrollTop += element.scrollHeight - heightBeforeOlder.current;
      heightBeforeOlder.current = null;
    } else if (following.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [newestKey, results.length, pending.length, typing?.visitor]);

  const loadOlder = () => {
    if (status !== "CanLoadMore") return;
    heightBeforeOlder.current = scroller.current?.scrollHeight ?? null;
    loadMore(PAGE_SIZE);
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_PX;
    if (element.scrollTop < 40) loadOlder();
  };

  const ordered = [...results].reverse();
  const teammates = typing?.teammates ?? [];

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      className="min-h-0 flex-1 overflow-y-auto px-4 py-3"
      data-testid="message-thread"
    >
      {status === "LoadingFirstPage" ? (
        <LoadingState label="Loading messages…" rows={4} />
      ) : (
        <>
          {status === "CanLoadMore" && (
            <div className="mb-2 flex justify-center">
              <Button variant="ghost" size="sm" onClick={loadOlder}>
                Load older messages
              </Button>
            </div>
          )}
          {status === "LoadingMore" && <LoadingState label="Loading older messages…" rows={1} />}
          {ordered.length === 0 && pending.length === 0 ? (
            <EmptyState title="No messages yet">
              The visitor has not written anything in this conversation.
            </EmptyState>
          ) : (
            <ol aria-label="Messages" className="flex flex-col gap-3">
              {ordered.map((message) => (
                <Message key={message._id} message={message} />
              ))}
              {pending.map((message) => (
                <Message
                  key={message.key}
                  pending
                  message={{
                    _id: message.key as MessageView["_id"],
                    _creationTime: message.at,
                    role: message.role,
                    body: message.body,
                    status: "complete",
                    sources: [],
                  }}
                />
              ))}
            </ol>
          )}
        </>
      )}
      <div aria-live="polite" className="mt-2 min-h-5 text-xs text-muted-foreground">
        {typing?.visitor && (
          <span className="inline-flex items-center gap-1.5" data-testid="visitor-typing">
            <TypingDots /> Visitor is typing…
          </span>
        )}
        {teammates.length > 0 && (
          <span className="ml-3">
            {teammates.join(", ")} {teammates.length === 1 ? "is" : "are"} replying…
          </span>
        )}
      </div>
    </div>
  );
}
