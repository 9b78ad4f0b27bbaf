/**
 * The team's notification feed. One row per event for the whole
 * organization (not one per member), so a busy organization with many
 * operators costs one write per event; each member's read position is a
 * timestamp on their membership.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { preview } from "./conversations";
import type { AuditActor, NotificationKind } from "./validators";

/** Unread counts stop here; the dashboard shows "99+". */
export const MAX_UNREAD_COUNT = 99;

export async function notify(
  ctx: MutationCtx,
  notification: {
    organizationId: Id<"organizations">;
    kind: NotificationKind;
    title: string;
    body: string;
    conversationId?: Id<"conversations">;
  },
) {
  return await ctx.db.insert("notifications", notification);
}

/** How far back to look for the visitor's own words (AI and system messages come in between). */
const RECENT_MESSAGES = 20;

/** Tell the team a conversation needs a human, saying who asked and what they last wrote. */
export async function notifyEscalation(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  actor: AuditActor,
) {
  const session = await ctx.db.get("contactSessions", conversation.contactSessionId);
  const recent = await ctx.db
    .query("messages")
    .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversation._id))
    .order("desc")
    .take(RECENT_MESSAGES);
  const lastVisitorMessage = recent.find((message) => message.role === "visitor");
  const visitor = session?.name ?? session?.email ?? "A visitor";
  await notify(ctx, {
    organizationId: conversation.organizationId,
    kind: "conversation.escalated",
    conversationId: conversation._id,
    title:
      actor.type === "visitor"
        ? `${visitor} asked for a human`
        : `The assistant handed ${visitor === "A visitor" ? "a visitor" : visitor} to the team`,
    body: lastVisitorMessage
      ? preview(lastVisitorMessage.body)
      : "The visitor has not written anything yet.",
  });
}

/** The member's membership row, which holds their read position. */
export async function getMembership(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  userId: Id<"users">,
) {
  return await ctx.db
    .query("memberships")
    .withIndex("by_organization_id_and_user_id", (q) =>
      q.eq("organizationId", organizationId).eq("userId", userId),
    )
    .unique();
}
