import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { useQuery } from "convex/react";
import { useMemo } from "react";

type Streamable = { _id: string; body: string; status: string };

/**
 * The conversation's messages with the agent's replies in progress filled
 * in. A reply's text streams as deltas (`public/messages.streaming`, a small
 * query that alone re-runs on each flush) while its message stays empty and
 * "streaming" until the whole body is written into it once. Both queries
 * change in the same transaction when a reply ends, so the text never shows
 * twice or drops out.
 */
export function useStreamedMessages<Message extends Streamable>(
  messages: Message[] | undefined,
  sessionToken: string,
  conversationId: Id<"conversations"> | null,
): Message[] | undefined {
  const streaming = messages?.some((message) => message.status === "streaming") ?? false;
  const replies = useQuery(
    api.public.messages.streaming,
    conversationId && streaming ? { sessionToken, conversationId } : "skip",
  );
  return useMemo(() => {
    if (!messages || !replies || replies.length === 0) return messages;
    const streamed = new Map(
      replies.map(({ messageId, deltas }) => [
        messageId as string,
        deltas.map((delta) => delta.text).join(""),
      ]),
    );
    return messages.map((message) => {
      const text = message.status === "streaming" ? streamed.get(message._id) : undefined;
      return text ? { ...message, body: message.body + text } : message;
    });
  }, [messages, replies]);
}
