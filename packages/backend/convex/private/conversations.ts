import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { getOrgConversation } from "../lib/conversations";
import { audit } from "../lib/audit";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { vChannel, vConversationStatus, vSessionMetadata } from "../lib/validators";

/** A conversation as the inbox shows it, with who the visitor is. */
const vInboxConversation = v.object({
  _id: v.id("conversations"),
  _creationTime: v.number(),
  status: vConversationStatus,
  channel: vChannel,
  assigneeId: v.optional(v.id("users")),
  lastMessageAt: v.number(),
  lastMessagePreview: v.optional(v.string()),
  contact: v.object({
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    metadata: vSessionMetadata,
  }),
});

async function toInboxConversation(ctx: QueryCtx, conversation: Doc<"conversations">) {
  const session = await ctx.db.get("contactSessions", conversation.contactSessionId);
  return {
    _id: conversation._id,
    _creationTime: conversation._creationTime,
    status: conversation.status,
    channel: conversation.channel,
    assigneeId: conversation.assigneeId,
    lastMessageAt: conversation.lastMessageAt,
    lastMessagePreview: conversation.lastMessagePreview,
    contact: { name: session?.name, email: session?.email, metadata: session?.metadata ?? {} },
  };
}

/** The organization's conversations, most recently active first, optionally by status. */
export const list = orgQuery({
  args: { paginationOpts: vPaginationOpts, status: v.optional(vConversationStatus) },
  returns: paginationResultValidator(vInboxConversation),
  handler: async (ctx, args) => {
    const { status } = args;
    const query = status
      ? ctx.db
          .query("conversations")
          .withIndex("by_organization_id_and_status_and_last_message_at", (q) =>
            q.eq("organizationId", ctx.organizationId).eq("status", status),
          )
      : ctx.db
          .query("conversations")
          .withIndex("by_organization_id_and_last_message_at", (q) =>
            q.eq("organizationId", ctx.organizationId),
          );
    const page = await query.order("desc").paginate(args.paginationOpts);
    return {
      ...page,
      page: await Promise.all(page.page.map((c) => toInboxConversation(ctx, c))),
    };
  },
});

/** One conversation of the organization; another organization's is "not found". */
export const get = orgQuery({
  args: { conversationId: v.id("conversations") },
  returns: vInboxConversation,
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    return await toInboxConversation(ctx, conversation);
  },
});

/** Resolve, reopen or escalate a conversation. Resolving ends the visitor's chat. */
export const setStatus = orgMutation({
  args: { conversationId: v.id("conversations"), status: vConversationStatus },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    if (conversation.status === args.status) return null;
    await ctx.db.patch("conversations", conversation._id, { status: args.status });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: `conversation.${args.status}`,
      targetId: conversation._id,
      details: { from: conversation.status },
    });
    return null;
  },
});
