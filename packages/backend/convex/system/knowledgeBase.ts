import { v } from "convex/values";

import { internalQuery } from "../_generated/server";
import { rankPassages } from "../lib/knowledge";

/** How many passages the search engine returns for re-ranking (each at most ~1.2 KB). */
const CANDIDATES = 32;

/** Full-text search over one organization's knowledge base, best passages first. */
export const search = internalQuery({
  args: { organizationId: v.id("organizations"), query: v.string(), limit: v.number() },
  returns: v.array(
    v.object({ sourceId: v.id("knowledgeSources"), title: v.string(), text: v.string() }),
  ),
  handler: async (ctx, { organizationId, query, limit }) => {
    if (!query.trim()) return [];
    const candidates = await ctx.db
      .query("knowledgeChunks")
      .withSearchIndex("search_text", (q) =>
        q.search("text", query).eq("organizationId", organizationId),
      )
      .take(CANDIDATES);
    const chunks = rankPassages(query, candidates).slice(0, Math.min(limit, 10));
    const hits = [];
    for (const chunk of chunks) {
      const source = await ctx.db.get("knowledgeSources", chunk.sourceId);
      if (source) hits.push({ sourceId: source._id, title: source.title, text: chunk.text });
    }
    return hits;
  },
});
