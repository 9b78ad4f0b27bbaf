import { v } from "convex/values";

import { internalMutation } from "../_generated/server";
import { normalizeQuestion } from "../lib/relevance";

/** Longest question text kept for the team. */
const MAX_QUESTION_CHARACTERS = 500;

/** Record a question the agent could not answer from the knowledge base. */
export const record = internalMutation({
  args: { conversationId: v.id("conversations"), question: v.string() },
  returns: v.null(),
  handler: async (ctx, { conversationId, question }) => {
    const conversation = await ctx.db.get("conversations", conversationId);
    const text = question.trim().slice(0, MAX_QUESTION_CHARACTERS);
    if (!conversation || !text) return null;
    await ctx.db.insert("knowledgeGaps", {
      organizationId: conversation.organizationId,
      conversationId,
      question: text,
      normalizedQuestion: normalizeQuestion(text),
    });
    return null;
  },
});
