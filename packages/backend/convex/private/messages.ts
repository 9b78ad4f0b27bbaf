import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { audit } from "../lib/audit";
import {
  addEvent,
  addMessage,
  changeStatus,
  displayName,
  getOrgConversation,
  markReadFor,
} from "../lib/conversations";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import {
  cleanBody,
  listMessages,
  streamingReplies,
  vMessageView,
  vStreamingReply,
} from "../lib/messages";
import { clearTyping } from "../lib/typing";
import { LIMITS } from "../lib/validators";

/** A conversation's messages for the team, notes and events included, newest first. */
export const list = orgQuery({
  args: { conversationId: v.id("conversations"), paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vMessageView),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    return await listMessages(ctx, conversation._id, args.paginationOpts, "team");
  },
});

/**
 * The agent's replies in this conversation that are still streaming, as
 * deltas, for the inbox to show as they are written (see the public twin).
 */
export const streaming = orgQuery({
  args: { conversationId: v.id("conversations") },
  returns: v.array(vStreamingReply),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    return await streamingReplies(ctx, conversation._id);
  },
});

/**
 * An operator's reply, shown to the visitor with the operator's name. A human
 * answering takes the conversation over from the agent: it becomes escalated
 * (the agent goes silent) and is assigned to them if nobody had it, and the
 * visitor is no longer waiting.
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
    if (conversation.status === "unresolved") {
      await addEvent(ctx, conversation, `${displayName(ctx.user)} took over from the AI agent`);
    }
    await changeStatus(ctx, conversation, "escalated", {
      assigneeId: conversation.assigneeId ?? ctx.user._id,
      waitingSince: undefined,
    });
    const messageId = await addMessage(ctx, conversation, {
      role: "operator",
      body,
      authorId: ctx.user._id,
    });
    await clearTyping(ctx, conversation._id, ctx.user._id);
    await markReadFor(ctx, (await ctx.db.get("conversations", conversation._id))!, ctx.user._id);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "message.sent",
      targetId: conversation._id,
    });
    return messageId;
  },
});

/**
 * An internal note: only the team sees it. It is never returned by a
 * visitor function and never sent to the model. Notes are allowed on
 * resolved conversations too (a follow-up for the team).
 */
export const addNote = orgMutation({
  args: { conversationId: v.id("conversations"), body: v.string() },
  limits: { body: LIMITS.messageBody },
  returns: v.id("messages"),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    const body = cleanBody(args.body);
    if (!body) throw appError("INVALID_INPUT", "Please type a note.");
    const messageId = await addMessage(ctx, conversation, {
      role: "note",
      body,
      authorId: ctx.user._id,
    });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "note.added",
      targetId: conversation._id,
    });
    return messageId;
  },
});
