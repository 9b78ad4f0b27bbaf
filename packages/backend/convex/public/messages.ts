import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { internal } from "../_generated/api";
import { addMessage, getVisitorConversation } from "../lib/conversations";
import { appError } from "../lib/errors";
import { visitorMutation, visitorQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import {
  cleanBody,
  listMessages,
  streamingReplies,
  vMessageView,
  vStreamingReply,
} from "../lib/messages";
import { enforceRateLimit } from "../lib/rateLimits";
import { clearTyping } from "../lib/typing";
import { LIMITS } from "../lib/validators";

/** The messages of one of the visitor's conversations, newest first (the widget reverses them). */
export const list = visitorQuery({
  args: { conversationId: v.id("conversations"), paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vMessageView),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    return await listMessages(ctx, conversation._id, args.paginationOpts, "visitor");
  },
});

/**
 * The agent's replies in this conversation that are still streaming, as
 * deltas. The widget subscribes to this small query next to `list` and
 * shows the joined text in place of the streaming message's empty body; a
 * flush re-runs only this query.
 */
export const streaming = visitorQuery({
  args: { conversationId: v.id("conversations") },
  returns: v.array(vStreamingReply),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    return await streamingReplies(ctx, conversation._id);
  },
});

/**
 * Post the visitor's message. While the agent owns the conversation it
 * answers (streaming into a new message); once escalated, operators do.
 */
export const send = visitorMutation({
  args: { conversationId: v.id("conversations"), body: v.string() },
  limits: { body: LIMITS.messageBody },
  returns: v.id("messages"),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    const body = cleanBody(args.body);
    if (!body) throw appError("INVALID_INPUT", "Please type a message.");
    if (conversation.status === "resolved") {
      throw appError("CONFLICT", "This conversation has ended. Please start a new one.");
    }
    await enforceRateLimit(ctx, "sendMessage", ctx.session._id);
    if (ctx.session.clientKey) {
      await enforceRateLimit(ctx, "sendMessagePerAddress", ctx.session.clientKey);
    }
    await enforceRateLimit(ctx, "organizationMessages", ctx.organizationId);

    const messageId = await addMessage(ctx, conversation, { role: "visitor", body });
    await clearTyping(ctx, conversation._id, "visitor");
    if (conversation.status === "escalated" && conversation.waitingSince === undefined) {
      // The visitor writes again after an operator's reply: they wait for the team again.
      await ctx.db.patch("conversations", conversation._id, { waitingSince: Date.now() });
    }
    if (conversation.status === "unresolved") {
      await ctx.scheduler.runAfter(0, internal.system.agent.reply, {
        conversationId: conversation._id,
        messageId,
      });
    }
    return messageId;
  },
});
