import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction } from "../_generated/server";
import { streamAgentReply } from "../lib/agent/run";
import { DeltaWriter } from "../lib/agent/stream";

/** Longest reply the agent may write, in characters (a cost and abuse guard). */
export const MAX_REPLY_CHARACTERS = 2_000;

/**
 * Answer a visitor's message. The reply streams as delta rows next to its
 * message (`system/messages.appendDelta`), and its body is written once, by
 * `finishReply`, when it is complete.
 */
export const reply = internalAction({
  args: { conversationId: v.id("conversations"), messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { conversationId, messageId }) => {
    // One round trip before the model is asked: the context comes with the opened reply.
    const started = await ctx.runMutation(internal.system.messages.startReply, {
      conversationId,
      messageId,
    });
    if (!started) return null;
    const { replyId, input } = started;

    const writer = new DeltaWriter(async (seq, text) => {
      await ctx.runMutation(internal.system.messages.appendDelta, {
        messageId: replyId,
        seq,
        text,
      });
    }, MAX_REPLY_CHARACTERS);

    try {
      const result = await streamAgentReply(ctx, input, (delta) => writer.push(delta));
      await writer.flush();
      await ctx.runMutation(internal.system.messages.finishReply, {
        messageId: replyId,
        status: "complete",
        sourceIds: result.sourceIds as Id<"knowledgeSources">[],
        citedSections: Object.entries(result.sections ?? {}).map(([sourceId, section]) => ({
          sourceId: sourceId as Id<"knowledgeSources">,
          section,
        })),
        escalate: result.escalate,
        resolve: result.resolve,
      });
      if (result.unanswered) {
        // So the team sees which articles are missing (private/knowledgeGaps.list).
        await ctx.runMutation(internal.system.knowledgeGaps.record, {
          conversationId,
          question: input.history.at(-1)?.body ?? "",
        });
      }
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
