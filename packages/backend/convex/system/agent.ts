import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction, internalQuery } from "../_generated/server";
import { localResponder, MAX_CONTEXT_TURNS, modelResponder } from "../lib/agent/responders";
import { DeltaWriter } from "../lib/agent/stream";
import { env } from "../lib/env";
import { searchKnowledgeBase } from "../lib/retrieval";
import { vMessageRole } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/** Longest reply the agent may write, in characters (a cost and abuse guard). */
export const MAX_REPLY_CHARACTERS = 2_000;

/**
 * What the agent needs to answer `messageId`, or null when no answer is
 * wanted any more: the conversation left the agent (escalated, resolved) or a
 * newer visitor message will be answered instead.
 */
export const context = internalQuery({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.union(
    v.object({
      organizationId: v.id("organizations"),
      organizationName: v.string(),
      agentName: v.string(),
      history: v.array(v.object({ role: vMessageRole, body: v.string() })),
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
    const organization = await ctx.db.get("organizations", conversation.organizationId);
    const settings = await widgetSettingsOrDefaults(ctx, conversation.organizationId);
    return {
      organizationId: conversation.organizationId,
      organizationName: organization?.name ?? "the company",
      agentName: settings.agentName,
      history: recent.reverse().map((m) => ({ role: m.role, body: m.body })),
    };
  },
});

/** Answer a visitor's message, streaming the reply into the conversation. */
export const reply = internalAction({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { conversationId, messageId }) => {
    const input = await ctx.runQuery(internal.system.agent.context, { conversationId, messageId });
    if (!input) return null;
    const replyId = await ctx.runMutation(internal.system.messages.startReply, { conversationId });
    if (!replyId) return null;

    const model = env.openAi();
    const respond = model ? modelResponder(model) : localResponder(env.streamPacingMs());
    const writer = new DeltaWriter(async (delta) => {
      await ctx.runMutation(internal.system.messages.appendDelta, { messageId: replyId, delta });
    }, MAX_REPLY_CHARACTERS);

    try {
      const result = await respond(input, {
        search: (query) =>
          searchKnowledgeBase(ctx, { organizationId: input.organizationId, query, limit: 3 }),
        write: (delta) => writer.push(delta),
      });
      await writer.flush();
      await ctx.runMutation(internal.system.messages.finishReply, {
        messageId: replyId,
        status: "complete",
        sourceIds: result.sourceIds as Id<"knowledgeSources">[],
        escalate: result.escalate,
        resolve: result.resolve,
      });
    } catch (error) {
      console.error("agent reply failed", error);
      await ctx.runMutation(internal.system.messages.finishReply, {
        messageId: replyId,
        status: "failed",
        body: "Sorry, I couldn't answer just now. Please try again, or press **Talk to a human**.",
        sourceIds: [],
        escalate: false,
      });
    }
    return null;
  },
});
