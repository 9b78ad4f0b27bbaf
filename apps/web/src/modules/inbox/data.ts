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

/** The organization's members (`private/members.list`), shared by the two hooks below. */
function useTeam() {
  return useQuery(api.private.members.list, {});
}

/** The signed-in member's user id, for "Assign to me"; undefined while loading. */
export function useMyUserId(): Id<"users"> | undefined {
  return useTeam()?.members.find((member) => member.isYou)?.userId;
}

/** The team, for the assign picker. */
export function useMembers(): Member[] {
  return (
    useTeam()?.members.map((member) => ({
      _id: member.userId,
      name: member.name ?? member.email ?? "A team member",
      ...(member.imageUrl ? { imageUrl: member.imageUrl } : {}),
    })) ?? []
  );
}
