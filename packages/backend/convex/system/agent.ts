import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction, internalQuery } from "../_generated/server";
import { localReply, searchTerms } from "../lib/agent/localResponder";
import { DeltaWriter, words } from "../lib/agent/stream";
import { env } from "../lib/env";
import { DEFAULT_WIDGET_SETTINGS } from "../lib/widgetDefaults";

/** Longest reply the agent may write, in characters (a cost and abuse guard). */
export const MAX_REPLY_CHARACTERS = 2_000;

/**
 * What the agent needs to answer `messageId`: the question, the agent's
 * name, and whether an answer is still wanted (the conversation is still the
 * agent's, and no newer visitor message will be answered instead).
 */
export const context = internalQuery({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.union(
    v.object({
      organizationId: v.id("organizations"),
      question: v.string(),
      agentName: v.string(),
    }),
    v.null(),
  ),
  handler: async (ctx, { conversationId, messageId }) => {
    const conversation = await ctx.db.get("conversations", conversationId);
    if (!conversation || conversation.status !== "unresolved") return null;
    const latest = await ctx.db
      .query("messages")
      .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
      .order("desc")
      .take(20);
    const latestVisitorMessage = latest.find((m) => m.role === "visitor");
    if (latestVisitorMessage?._id !== messageId) return null;
    const settings = await ctx.db
      .query("widgetSettings")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", conversation.organizationId))
      .unique();
    return {
      organizationId: conversation.organizationId,
      question: latestVisitorMessage.body,
      agentName: (settings ?? DEFAULT_WIDGET_SETTINGS).agentName,
    };
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answer a visitor's message, streaming the reply into the conversation. */
export const reply = internalAction({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { conversationId, messageId }) => {
    const question = await ctx.runQuery(internal.system.agent.context, {
      conversationId,
      messageId,
    });
    if (!question) return null;

    const replyId = await ctx.runMutation(internal.system.messages.startReply, { conversationId });
    if (!replyId) return null;

    try {
      const hits = await ctx.runQuery(internal.system.knowledgeBase.search, {
        organizationId: question.organizationId,
        query: searchTerms(question.question),
        limit: 3,
      });
      const answer = localReply(question.question, hits, question.agentName);
      const writer = new DeltaWriter(async (delta) => {
        await ctx.runMutation(internal.system.messages.appendDelta, { messageId: replyId, delta });
      }, MAX_REPLY_CHARACTERS);
      const pacing = env.streamPacingMs();
      for (const word of words(answer.text)) {
        await writer.push(word);
        if (pacing > 0) await sleep(pacing);
      }
      await writer.flush();
      await ctx.runMutation(internal.system.messages.finishReply, {
        messageId: replyId,
        status: "complete",
        sourceIds: answer.sourceIds as Id<"knowledgeSources">[],
        escalate: answer.escalate,
      });
    } catch (error) {
      console.error("agent reply failed", error);
      await ctx.runMutation(internal.system.messages.finishReply, {
        messageId: replyId,
        status: "failed",
        body: "Sorry, I couldn't answer just now. Please try again, or ask to talk to a human.",
        sourceIds: [],
        escalate: false,
      });
    }
    return null;
  },
});
