import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import { internalMutation, type MutationCtx } from "../_generated/server";
import { MAX_CONTEXT_TURNS, MAX_DELTAS_PER_REPLY } from "../lib/agent/stream";
import { BUDGET_MESSAGES, takeReplyBudget, warnIfNearlyUsed } from "../lib/aiBudget";
import { audit } from "../lib/audit";
import { addMessage, changeStatus, escalate, preview } from "../lib/conversations";
import { currentPlan } from "../lib/plans";
import { rateLimiter } from "../lib/rateLimits";
import { aiReplyRoom, usageOf } from "../lib/usage";
import { isTranscriptRole, vTranscriptRole } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/** A reply still streaming this long after it started is closed by `abandonReply`. */
export const REPLY_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Open the agent's reply to the visitor's message `messageId`, and hand the
 * agent what it needs to answer, in one transaction: the reply action makes
 * this its only call before it asks the model. The reply starts as an empty
 * streaming message, which the widget shows as the typing indicator until
 * the first delta arrives (`messages.streaming`).
 *
 * Returns null when no answer is wanted any more (the conversation left the
 * agent, or a newer visitor message will be answered instead), and when the
 * organization's AI quota or budget is spent (the visitor is told so, and
 * offered a human; the team is told when a budget is nearly used).
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
    // Then the visitor's own share and the organization's hourly budget (lib/aiBudget.ts).
    const budget = await takeReplyBudget(ctx, conversation, plan);
    if (!budget.ok) {
      await addMessage(ctx, conversation, { role: "ai", body: BUDGET_MESSAGES[budget.refusal] });
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
    // The exact period total (every shard): the hourly budget row is written by every
    // reply anyway, so this read adds no contention that row does not already have.
    await warnIfNearlyUsed(ctx, conversation.organizationId, plan, {
      repliesThisHour: budget.repliesThisHour,
      repliesThisPeriod: (await usageOf(ctx, conversation.organizationId)).aiReplies,
    });
    await ctx.scheduler.runAfter(REPLY_TIMEOUT_MS, internal.system.messages.abandonReply, {
      messageId: replyId,
    });
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

/**
 * Store delta `seq` of a streaming reply: a new `messageDeltas` row. The
 * message itself is not written, so the message lists are not re-run;
 * only `messages.streaming` is. A delta sent twice (a retried call) is
 * stored once.
 */
export const appendDelta = internalMutation({
  args: { messageId: v.id("messages"), seq: v.number(), text: v.string() },
  returns: v.null(),
  handler: async (ctx, { messageId, seq, text }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message || message.status !== "streaming") return null;
    const existing = await ctx.db
      .query("messageDeltas")
      .withIndex("by_conversation_id_and_message_id_and_seq", (q) =>
        q.eq("conversationId", message.conversationId).eq("messageId", messageId).eq("seq", seq),
      )
      .unique();
    if (existing) return null;
    await ctx.db.insert("messageDeltas", {
      organizationId: message.organizationId,
      conversationId: message.conversationId,
      messageId,
      seq,
      text,
    });
    return null;
  },
});

/**
 * Delete a reply's deltas and return their text joined in order. A reply has
 * at most MAX_DELTAS_PER_REPLY deltas (`DeltaWriter`), so one transaction
 * takes them all.
 */
async function takeDeltas(ctx: MutationCtx, message: Doc<"messages">) {
  const deltas = await ctx.db
    .query("messageDeltas")
    .withIndex("by_conversation_id_and_message_id_and_seq", (q) =>
      q.eq("conversationId", message.conversationId).eq("messageId", message._id),
    )
    .take(MAX_DELTAS_PER_REPLY);
  for (const delta of deltas) await ctx.db.delete("messageDeltas", delta._id);
  return deltas.map((delta) => delta.text).join("");
}

/**
 * Close a reply: write its whole body into the message once (the streamed
 * deltas, unless `body` replaces them), delete the deltas in the same
 * transaction (so no client sees the text twice or not at all), record its
 * sources, and hand over to a human if the agent decided to.
 */
export const finishReply = internalMutation({
  args: {
    messageId: v.id("messages"),
    status: v.union(v.literal("complete"), v.literal("failed")),
    body: v.optional(v.string()),
    sourceIds: v.array(v.id("knowledgeSources")),
    citedSections: v.optional(
      v.array(v.object({ sourceId: v.id("knowledgeSources"), section: v.string() })),
    ),
    escalate: v.boolean(),
    resolve: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const message = await ctx.db.get("messages", args.messageId);
    if (!message || message.status !== "streaming") return null;
    const streamed = message.body + (await takeDeltas(ctx, message));
    const body = args.body ?? streamed;
    await ctx.db.patch("messages", args.messageId, {
      status: args.status,
      body,
      ...(args.sourceIds.length > 0 ? { sourceIds: args.sourceIds } : {}),
      ...(args.citedSections?.length ? { citedSections: args.citedSections } : {}),
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

/**
 * The sweep for a reply whose action died mid-stream (a crash, a deploy):
 * scheduled by `startReply` REPLY_TIMEOUT_MS ahead, it closes a reply still
 * streaming by then as failed, keeping the text written so far, and deletes
 * its deltas. A reply that finished is left alone.
 */
export const abandonReply = internalMutation({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message || message.status !== "streaming") return null;
    const streamed = message.body + (await takeDeltas(ctx, message));
    const body =
      streamed.trim() === ""
        ? "Sorry, I couldn't answer just now. Please try again, or press **Talk to a human**."
        : streamed;
    await ctx.db.patch("messages", messageId, { status: "failed", body });
    await ctx.db.patch("conversations", message.conversationId, {
      lastMessagePreview: preview(body),
    });
    return null;
  },
});
