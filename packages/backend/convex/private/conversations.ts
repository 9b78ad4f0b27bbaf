import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import type { Doc } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { orgQuery } from "../lib/functions";
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
  args: { paginationOpts: paginationOptsValidator, status: v.optional(vConversationStatus) },
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
    const conversation = await ctx.db.get("conversations", args.conversationId);
    if (!conversation || conversation.organizationId !== ctx.organizationId) {
      throw appError("NOT_FOUND", "This conversation does not exist.");
    }
    return await toInboxConversation(ctx, conversation);
  },
});
