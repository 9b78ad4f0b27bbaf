import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { audit } from "../lib/audit";
import { addMessage, getOrgConversation } from "../lib/conversations";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { cleanBody, listMessages, vMessageView } from "../lib/messages";
import { LIMITS } from "../lib/validators";

/** A conversation's messages for the inbox, newest first. */
export const list = orgQuery({
  args: { conversationId: v.id("conversations"), paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vMessageView),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    return await listMessages(ctx, conversation._id, args.paginationOpts);
  },
});

/**
 * An operator's reply. A human answering takes the conversation over from
 * the agent (it becomes escalated and assigned to them if nobody had it).
 */
export const send = orgMutation({
  args: { conversationId: v.id("conversations"), body: v.string() },
  limits: { body: LIMITS.messageBody },
  returns: v.id("messages"),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    const body = cleanBody(args.body);
    if (!body) throw appError("INVALID_INPUT", "Please type a message.");
    if (conversation.status === "resolved") {
      throw appError("CONFLICT", "This conversation is resolved. Reopen it to reply.");
    }
    if (conversation.status === "unresolved" || !conversation.assigneeId) {
      await ctx.db.patch("conversations", conversation._id, {
        status: "escalated",
        assigneeId: conversation.assigneeId ?? ctx.user._id,
      });
    }
    const messageId = await addMessage(ctx, conversation, {
      role: "operator",
      body,
      authorId: ctx.user._id,
    });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "message.sent",
      targetId: conversation._id,
    });
    return messageId;
  },
});
