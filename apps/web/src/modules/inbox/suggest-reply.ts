"use client";

import { api } from "@parley/backend/api";
import { useAction } from "convex/react";

import type { ConversationId } from "./data";

export type SuggestedReply = { body: string; sources: { title: string; url?: string }[] };

/**
 * "Suggest reply": the agent drafts an answer to the visitor's latest
 * message (`private/suggestions.suggest`). The composer puts the draft in the
 * reply box (never sends it) and lists the sources under it.
 */
export function useSuggestReply(): (args: {
  conversationId: ConversationId;
}) => Promise<SuggestedReply> {
  return useAction(api.private.suggestions.suggest);
}
