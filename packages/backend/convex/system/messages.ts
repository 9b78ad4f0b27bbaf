import { v } from "convex/values";

import { internalMutation } from "../_generated/server";
import { audit } from "../lib/audit";
import { addMessage, escalate, preview } from "../lib/conversations";
import { currentPlan } from "../lib/plans";
import { rateLimiter } from "../lib/rateLimits";

/**
 * Open the agent's reply as an empty streaming message: the widget shows it
 * as the typing indicator until the first words arrive. Returns null if the
 * conversation no longer wants an AI reply.
 */
export const startReply = internalMutation({
  args: { conversationId: v.id("conversations") },
  returns: v.union(v.id("messages"), v.null()),
  handler: async (ctx, { conversationId }) => {
    const conversation = await ctx.db.get("conversations", conversationId);
    if (!conversation || conversation.status !== "unresolved") return null;
    const plan = await currentPlan(ctx, conversation.organizationId);
    const quota = await rateLimiter.limit(ctx, `aiReplies_${plan}`, {
      key: conversation.organizationId,
    });
    if (!quota.ok) {
      await addMessage(ctx, conversation, {
        role: "ai",
        body: "Our assistant can't answer more questions right now. Press **Talk to a human** and someone from the team will reply here.",
      });
      return null;
    }
    return await addMessage(ctx, conversation, { role: "ai", body: "", status: "streaming" });
  },
});

/** Append streamed text to a reply. */
export const appendDelta = internalMutation({
  args: { messageId: v.id("messages"), delta: v.string() },
  returns: v.null(),
  handler: async (ctx, { messageId, delta }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message || message.status !== "streaming") return null;
    await ctx.db.patch("messages", messageId, { body: message.body + delta });
    return null;
  },
});

/** Close a reply: record its sources, and hand over to a human if the agent decided to. */
export const finishReply = internalMutation({
  args: {
    messageId: v.id("messages"),
    status: v.union(v.literal("complete"), v.literal("failed")),
    body: v.optional(v.string()),
    sourceIds: v.array(v.id("knowledgeSources")),
    escalate: v.boolean(),
    resolve: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const message = await ctx.db.get("messages", args.messageId);
    if (!message) return null;
    const body = args.body ?? message.body;
    await ctx.db.patch("messages", args.messageId, {
      status: args.status,
      body,
      ...(args.sourceIds.length > 0 ? { sourceIds: args.sourceIds } : {}),
    });
    const conversation = await ctx.db.get("conversations", message.conversationId);
    if (!conversation) return null;
    await ctx.db.patch("conversations", conversation._id, { lastMessagePreview: preview(body) });
    if (args.escalate) await escalate(ctx, conversation, { type: "system" });
    else if (args.resolve && conversation.status === "unresolved") {
      await ctx.db.patch("conversations", conversation._id, { status: "resolved" });
      await audit(ctx, {
        organizationId: conversation.organizationId,
        actor: { type: "system" },
        action: "conversation.resolved",
        targetId: conversation._id,
      });
    }
    return null;
  },
});
