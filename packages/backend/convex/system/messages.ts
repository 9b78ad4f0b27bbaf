import { v } from "convex/values";

import { internalMutation } from "../_generated/server";
import { MAX_CONTEXT_TURNS } from "../lib/agent/stream";
import { audit } from "../lib/audit";
import { addMessage, changeStatus, escalate, preview } from "../lib/conversations";
import { currentPlan } from "../lib/plans";
import { rateLimiter } from "../lib/rateLimits";
import { aiReplyRoom } from "../lib/usage";
import { isTranscriptRole, vTranscriptRole } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/**
 * Open the agent's reply to the visitor's message `messageId`, and hand the
 * agent what it needs to answer, in one transaction: the reply action makes
 * this its only call before it asks the model. The reply starts as an empty
 * streaming message, which the widget shows as the typing indicator until
 * the first words arrive.
 *
 * Returns null when no answer is wanted any more (the conversation left the
 * agent, or a newer visitor message will be answered instead), and when the
 * organization's AI quota is spent (the visitor is told so).
 */
export const startReply = internalMutation({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.union(
    v.object({
      replyId: v.id("messages"),
      input: v.object({
        organizationId: v.id("organizations"),
        organizationName: v.string(),
        agentName: v.string(),
        history: v.array(v.object({ role: vTranscriptRole, body: v.string() })),
      }),
    }),
    v.null(),
  ),
  handler: async (ctx, { conversationId, messageId }) => {
    const conversation = await ctx.db.get("conversations", conversationId);
    if (!conversation || conversation.status !== "unresolved") return null;
    const recent = await ctx.db
      .query("messages")
      .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
      .order("desc")
      .take(MAX_CONTEXT_TURNS);
    if (recent.find((m) => m.role === "visitor")?._id !== messageId) return null;
    // Two guards: the plan's AI replies per billing period (the quota the Billing
    // page shows, counted here when it has room), and a 30-day rate limit per
    // plan against bursts of cost. Both are sharded: concurrent replies of one
    // organization do not conflict.
    const plan = await currentPlan(ctx, conversation.organizationId);
    const room = await aiReplyRoom(ctx, conversation.organizationId, plan);
    const allowed =
      room !== null &&
      (await rateLimiter.limit(ctx, `aiReplies_${plan}`, { key: conversation.organizationId })).ok;
    if (!allowed) {
      await addMessage(ctx, conversation, {
        role: "ai",
        body: "Our assistant can't answer more questions right now. Press **Talk to a human** and someone from the team will reply here.",
      });
      return null;
    }
    const organization = await ctx.db.get("organizations", conversation.organizationId);
    const settings = await widgetSettingsOrDefaults(ctx, conversation.organizationId);
    const replyId = await addMessage(ctx, conversation, {
      role: "ai",
      body: "",
      status: "streaming",
    });
    await room.count();
    return {
      replyId,
      input: {
        organizationId: conversation.organizationId,
        organizationName: organization?.name ?? "the company",
        agentName: settings.agentName,
        // Notes and team events are never shown to the model.
        history: recent
          .reverse()
          .flatMap((m) => (isTranscriptRole(m.role) ? [{ role: m.role, body: m.body }] : [])),
      },
    };
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
      await changeStatus(ctx, conversation, "resolved");
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
