/** Conversation helpers shared by the visitor, operator and agent paths. */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "./audit";
import { appError } from "./errors";
import { notifyEscalation } from "./notifications";
import type { AuditActor, MessageRole, MessageStatus } from "./validators";

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

/** Add a message and move the conversation to the top of every list. */
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
  await ctx.db.patch("conversations", conversation._id, {
    lastMessageAt: Date.now(),
    ...(message.body ? { lastMessagePreview: preview(message.body) } : {}),
  });
  return messageId;
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
  await ctx.db.patch("conversations", conversation._id, { status: "escalated" });
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
