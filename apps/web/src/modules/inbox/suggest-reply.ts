"use client";

import type { ConversationId } from "./data";

export type SuggestedReply = { body: string; sources: { title: string; url?: string }[] };

/**
 * HOOK FOR "SUGGEST REPLY". The backend action `api.private.suggestions.suggest`
 * (`{ conversationId }` → `{ body, sources }`) is being added on main and is
 * not on this branch yet. Once it is, return it here:
 *
 *   return useAction(api.private.suggestions.suggest);
 *
 * The composer already shows the "Suggest reply" button whenever this returns
 * a function, puts the draft in the reply box (never sends it) and lists the
 * sources under it. Until then the button is not shown.
 */
export function useSuggestReply():
  ((args: { conversationId: ConversationId }) => Promise<SuggestedReply>) | null {
  return null;
}
