import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { OptimisticUpdate } from "convex/browser";
import { insertAtTop, useMutation } from "convex/react";
import type { FunctionArgs } from "convex/server";

/** Ids of messages shown before the server confirmed them start with this. */
export const PENDING_PREFIX = "pending:";

export const isPending = (messageId: string) => messageId.startsWith(PENDING_PREFIX);

/**
 * Show the visitor's message at once, marked pending, in the open
 * conversation; Convex swaps in the real message when the mutation lands, or
 * drops this one if it fails. (Module-level: it runs when `send` is called,
 * never while rendering.)
 */
const showPendingMessage: OptimisticUpdate<FunctionArgs<typeof api.public.messages.send>> = (
  localStore,
  args,
) => {
  insertAtTop({
    paginatedQuery: api.public.messages.list,
    argsToMatch: { sessionToken: args.sessionToken, conversationId: args.conversationId },
    localQueryStore: localStore,
    item: {
      _id: `${PENDING_PREFIX}${crypto.randomUUID()}` as Id<"messages">,
      _creationTime: Date.now(),
      role: "visitor",
      body: args.body.trim(),
      status: "complete",
      sources: [],
    },
  });
};

/** `messages.send` with an optimistic update. */
export function useSendMessage() {
  return useMutation(api.public.messages.send).withOptimisticUpdate(showPendingMessage);
}
