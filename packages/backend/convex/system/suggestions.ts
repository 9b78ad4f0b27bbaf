import { v } from "convex/values";

import { internalQuery } from "../_generated/server";
import { MAX_CONTEXT_TURNS } from "../lib/agent/stream";
import { getOrgConversation } from "../lib/conversations";
import { isTranscriptRole, vTranscriptRole } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/**
 * What the agent needs to draft a reply for an operator: the transcript (no
 * notes, no events) up to the visitor's latest message. Null when the
 * visitor has not asked anything yet.
 */
export const context = internalQuery({
  args: { organizationId: v.id("organizations"), conversationId: v.id("conversations") },
  returns: v.union(
    v.object({
      organizationName: v.string(),
      agentName: v.string(),
      history: v.array(v.object({ role: vTranscriptRole, body: v.string() })),
    }),
    v.null(),
  ),
  handler: async (ctx, { organizationId, conversationId }) => {
    const conversation = await getOrgConversation(ctx, organizationId, conversationId);
    const recent = await ctx.db
      .query("messages")
      .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversation._id))
      .order("desc")
      .take(MAX_CONTEXT_TURNS * 2);
    const transcript = recent
      .reverse()
      .flatMap((m) => (isTranscriptRole(m.role) && m.body ? [{ role: m.role, body: m.body }] : []));
    const lastQuestion = transcript.findLastIndex((m) => m.role === "visitor");
    if (lastQuestion === -1) return null;
    const organization = await ctx.db.get("organizations", organizationId);
    const settings = await widgetSettingsOrDefaults(ctx, organizationId);
    return {
      organizationName: organization?.name ?? "the company",
      agentName: settings.agentName,
      history: transcript.slice(0, lastQuestion + 1).slice(-MAX_CONTEXT_TURNS),
    };
  },
});

/** Titles and links of knowledge sources of one organization, for a draft's citations. */
export const sources = internalQuery({
  args: { organizationId: v.id("organizations"), sourceIds: v.array(v.id("knowledgeSources")) },
  returns: v.array(
    v.object({ _id: v.id("knowledgeSources"), title: v.string(), url: v.optional(v.string()) }),
  ),
  handler: async (ctx, { organizationId, sourceIds }) => {
    const found = [];
    for (const id of sourceIds) {
      const source = await ctx.db.get("knowledgeSources", id);
      if (source && source.organizationId === organizationId) {
        found.push({ _id: source._id, title: source.title, url: source.url });
      }
    }
    return found;
  },
});
