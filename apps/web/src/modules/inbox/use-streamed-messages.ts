"use client";

import { api } from "@parley/backend/api";
import { useQuery } from "convex/react";
import { useMemo } from "react";

import type { ConversationId, MessageView } from "./data";

/**
 * The conversation's messages with the agent's replies in progress filled
 * in. A reply's text streams as deltas (`private/messages.streaming`, a small
 * query that alone re-runs on each flush) while its message stays empty and
 * "streaming" until the whole body is written into it once; both change in
 * the same transaction when the reply ends.
 */
export function useStreamedMessages(
  messages: MessageView[],
  conversationId: ConversationId,
): MessageView[] {
  const streaming = messages.some((message) => message.status === "streaming");
  const replies = useQuery(api.private.messages.streaming, streaming ? { conversationId } : "skip");
  return useMemo(() => {
    if (!replies || replies.length === 0) return messages;
    const streamed = new Map<string, string>(
      replies.map(({ messageId, deltas }) => [messageId, deltas.map((d) => d.text).join("")]),
    );
    return messages.map((message) => {
      const text = message.status === "streaming" ? streamed.get(message._id) : undefined;
      return text ? { ...message, body: message.body + text } : message;
    });
  }, [messages, replies]);
}
