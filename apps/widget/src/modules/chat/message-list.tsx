import { useEffect, useRef } from "react";

import { Button } from "../widget/controls";
import { EmptyState, LoadingState } from "../widget/states";
import { MessageBubble, type MessageView } from "./message-bubble";

/** Pixels from the bottom within which the list keeps following new text. */
const STICKY_PX = 80;

/**
 * The conversation, oldest at the top. It follows the newest message (and a
 * streaming reply as it grows) unless the visitor scrolled up to read.
 */
export function MessageList({
  messages,
  agentName,
  canLoadMore,
  loadingMore,
  onLoadMore,
  onReply,
}: {
  messages: MessageView[];
  agentName: string;
  canLoadMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  /** Called once for each new reply (agent, operator or system) after the first render. */
  onReply: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const last = messages.at(-1);
  const lastReply = messages.findLast((message) => message.role !== "visitor");
  const seenReply = useRef<string | null>(null);

  useEffect(() => {
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [last?._id, last?.body.length, messages.length]);

  useEffect(() => {
    if (!lastReply) return;
    if (seenReply.current !== null && seenReply.current !== lastReply._id) onReply();
    seenReply.current = lastReply._id;
  }, [lastReply, onReply]);

  return (
    <div
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current =
          element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_PX;
      }}
      className="flex flex-1 flex-col overflow-y-auto"
    >
      {canLoadMore && (
        <Button variant="ghost" size="sm" className="mt-2 self-center" onClick={onLoadMore}>
          Show earlier messages
        </Button>
      )}
      {loadingMore && <LoadingState label="Loading earlier messages…" />}
      {messages.length === 0 ? (
        <EmptyState title="No messages yet">
          <p className="text-sm text-muted-foreground">Ask anything below.</p>
        </EmptyState>
      ) : (
        <ol
          aria-label="Conversation history"
          aria-live="polite"
          className="flex flex-col gap-3 p-4"
        >
          {messages.map((message) => (
            <li key={message._id} className="flex flex-col">
              <MessageBubble message={message} agentName={agentName} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
