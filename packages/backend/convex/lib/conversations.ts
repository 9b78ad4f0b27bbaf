/** Conversation helpers shared by the visitor, operator and agent paths. */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "./audit";
import { appError } from "./errors";
import { notifyEscalation } from "./notifications";
import {
  TEAM_ONLY_ROLES,
  type AuditActor,
  type ConversationStatus,
  type MessageRole,
  type MessageStatus,
} from "./validators";

const notFound = () => appError("NOT_FOUND", "This conversation does not exist.");

/**
 * The visitor's own conversation. Another session's (or organization's) is
 * "not found", the same answer as a missing one, so ids reveal nothing.
 */
export async function getVisitorConversation(
  ctx: QueryCtx,
  session: Doc<"contactSessions">,
  conversationId: Id<"conversations">,
) {
  const conversation = await ctx.db.get("conversations", conversationId);
  if (!conversation || conversation.contactSessionId !== session._id) throw notFound();
  return conversation;
}

/** One of the organization's conversations; another organization's is "not found". */
export async function getOrgConversation(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  conversationId: Id<"conversations">,
) {
  const conversation = await ctx.db.get("conversations", conversationId);
  if (!conversation || conversation.organizationId !== organizationId) throw notFound();
  return conversation;
}

/** The text shown in conversation lists for a message. */
export function preview(body: string) {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

/**
 * Add a message and move the conversation to the top of every list. A
 * team-only message (note, event) changes neither the order nor the preview,
 * which visitors see in their own list.
 */
export async function addMessage(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  message: {
    role: MessageRole;
    body: string;
    status?: MessageStatus;
    authorId?: Id<"users">;
    sourceIds?: Id<"knowledgeSources">[];
  },
) {
  const messageId = await ctx.db.insert("messages", {
    organizationId: conversation.organizationId,
    conversationId: conversation._id,
    status: "complete",
    ...message,
  });
  if (!TEAM_ONLY_ROLES.has(message.role)) {
    await ctx.db.patch("conversations", conversation._id, {
      lastMessageAt: Date.now(),
      ...(message.body ? { lastMessagePreview: preview(message.body) } : {}),
    });
  }
  return messageId;
}

/** Record something that happened to the conversation (assigned, resolved…) for the team's timeline. */
export async function addEvent(ctx: MutationCtx, conversation: Doc<"conversations">, body: string) {
  return await addMessage(ctx, conversation, { role: "event", body });
}

/**
 * Add `delta` to the organization's count of conversations in `status`.
 * One row per organization and status, written only when a conversation is
 * created or changes status, so the filters' counts never scan conversations.
 */
export async function adjustStatusCount(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  status: ConversationStatus,
  delta: number,
) {
  const row = await ctx.db
    .query("conversationCounts")
    .withIndex("by_organization_id_and_status", (q) =>
      q.eq("organizationId", organizationId).eq("status", status),
    )
    .unique();
  if (row) await ctx.db.patch("conversationCounts", row._id, { count: row.count + delta });
  else await ctx.db.insert("conversationCounts", { organizationId, status, count: delta });
}

/**
 * The one way a conversation's status changes: patches it (with `fields`),
 * keeps the status counts right, and keeps `waitingSince` consistent: kept
 * while escalated unless `fields` says otherwise, cleared in any other status.
 */
export async function changeStatus(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  status: ConversationStatus,
  fields: Partial<Pick<Doc<"conversations">, "assigneeId" | "waitingSince">> = {},
) {
  const waitingSince =
    status !== "escalated"
      ? undefined
      : "waitingSince" in fields
        ? fields.waitingSince
        : conversation.waitingSince;
  await ctx.db.patch("conversations", conversation._id, { ...fields, status, waitingSince });
  if (conversation.status !== status) {
    await adjustStatusCount(ctx, conversation.organizationId, conversation.status, -1);
    await adjustStatusCount(ctx, conversation.organizationId, status, 1);
  }
}

/**
 * Hand the conversation to a human: the agent stops replying, the team gets
 * a notification, and the visitor is told someone will answer here.
 * Idempotent.
 */
export async function escalate(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  actor: AuditActor,
) {
  if (conversation.status !== "unresolved") return false;
  await changeStatus(ctx, conversation, "escalated", { waitingSince: Date.now() });
  await notifyEscalation(ctx, conversation, actor);
  await addMessage(ctx, conversation, {
    role: "system",
    body: "A member of the team has been notified and will reply here.",
  });
  await audit(ctx, {
    organizationId: conversation.organizationId,
    actor,
    action: "conversation.escalated",
    targetId: conversation._id,
  });
  return true;
}

/** The display name of a user, for lists and the timeline. */
export function displayName(user: Doc<"users">): string {
  return user.name ?? user.email ?? "A team member";
}

/** Record that `userId` has seen `conversation` up to its latest message. */
export async function markReadFor(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  userId: Id<"users">,
) {
  const readAt = Math.max(Date.now(), conversation.lastMessageAt);
  const read = await ctx.db
    .query("conversationReads")
    .withIndex("by_user_id_and_conversation_id", (q) =>
      q.eq("userId", userId).eq("conversationId", conversation._id),
    )
    .unique();
  if (!read) {
    await ctx.db.insert("conversationReads", {
      organizationId: conversation.organizationId,
      conversationId: conversation._id,
      userId,
      readAt,
    });
  } else if (read.readAt < readAt) {
    await ctx.db.patch("conversationReads", read._id, { readAt });
  }
}
