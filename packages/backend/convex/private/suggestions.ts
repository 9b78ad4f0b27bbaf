import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { localResponder, modelResponder, type ResponderInput } from "../lib/agent/responders";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { orgAction } from "../lib/functions";
import { searchKnowledgeBase } from "../lib/retrieval";

type Draft = {
  body: string;
  sources: { _id: Id<"knowledgeSources">; title: string; url?: string; section?: string }[];
};

/** Longest draft the agent writes for an operator, in characters. */
const MAX_DRAFT_CHARACTERS = 2_000;

/**
 * Draft a reply to the visitor's latest message for the operator, from the
 * knowledge base and the conversation, with the agent the organization uses
 * (the model when configured, else the local responder). Nothing is written
 * to the conversation: the draft lands in the operator's composer to edit,
 * and is only sent if they send it.
 */
export const suggest = orgAction({
  args: { conversationId: v.id("conversations") },
  returns: v.object({
    body: v.string(),
    sources: v.array(
      v.object({
        _id: v.id("knowledgeSources"),
        title: v.string(),
        url: v.optional(v.string()),
        /** The part of the source the draft drew on ("Warranty › Making a claim"). */
        section: v.optional(v.string()),
      }),
    ),
  }),
  handler: async (ctx, { conversationId }): Promise<Draft> => {
    const context: ResponderInput | null = await ctx.runQuery(internal.system.suggestions.context, {
      organizationId: ctx.organizationId,
      conversationId,
    });
    if (!context) {
      throw appError(
        "CONFLICT",
        "The visitor has not asked anything yet: there is nothing to answer.",
      );
    }
    const model = env.openAi();
    const respond = model ? modelResponder(model) : localResponder(0);
    let body = "";
    const result = await respond(context, {
      search: (query) =>
        searchKnowledgeBase(ctx, { organizationId: ctx.organizationId, query, limit: 3 }),
      write: (delta) => {
        body = `${body}${delta}`.slice(0, MAX_DRAFT_CHARACTERS);
        return Promise.resolve();
      },
    });
    const found: Draft["sources"] = await ctx.runQuery(internal.system.suggestions.sources, {
      organizationId: ctx.organizationId,
      sourceIds: result.sourceIds as Id<"knowledgeSources">[],
    });
    const sources = found.map((source) => {
      const section = result.sections?.[source._id];
      return section ? { ...source, section } : source;
    });
    return { body: body.trim(), sources };
  },
});
