"use client";

/**
 * The inbox's types (as the backend returns them) and the small hooks every
 * part of it shares: a clock that ticks, who the signed-in member is, and
 * the team's members for the assign picker.
 */
import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { ConversationStatus } from "@parley/backend/validators";
import { useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useEffect, useState } from "react";

export type InboxConversation = FunctionReturnType<
  typeof api.private.conversations.list
>["page"][number];
export type ConversationDetail = FunctionReturnType<typeof api.private.conversations.get>;
export type MessageView = FunctionReturnType<typeof api.private.messages.list>["page"][number];
export type CannedResponse = FunctionReturnType<typeof api.private.cannedResponses.list>[number];
export type ConversationId = Id<"conversations">;
export type Member = { _id: Id<"users">; name: string; imageUrl?: string };

export const STATUS_LABEL: Record<ConversationStatus, string> = {
  unresolved: "AI handling",
  escalated: "Escalated",
  resolved: "Resolved",
};

/** `Date.now()`, re-read every `intervalMs` (30 s), so relative times tick. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const ONE_MINE = { assignee: "me" as const, paginationOpts: { numItems: 1, cursor: null } };

/**
 * The signed-in member's user id, for "Assign to me". Backend gap:
 * `private.organizations.current` returns the member's name and email but
 * not their id, so it is read from a conversation assigned to them (any
 * reply or take-over assigns one). `undefined` until they have one; then
 * "Assign to me" falls back to taking the conversation over.
 * Replace with `useWorkspace().user._id` once `current` returns it.
 */
export function useMyUserId(): Id<"users"> | undefined {
  const mine = useQuery(api.private.conversations.list, ONE_MINE);
  return mine?.page[0]?.assignee?._id;
}

/**
 * The team, for the assign picker. THE ONE PLACE TO PLUG IN THE MEMBER LIST:
 * `private/members.ts` is being written on main; once merged, return its
 * list here, e.g. `useQuery(api.private.members.list, {})?.map(...)`.
 * Until then the picker offers "Assign to me", "Unassign" and the current
 * assignee only.
 */
export function useMembers(): Member[] {
  return [];
}
