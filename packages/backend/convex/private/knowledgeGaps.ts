import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";

/** Same questions counted per gap, at most (the dashboard shows "100+"). */
export const MAX_GAP_COUNT = 100;

const vGap = v.object({
  _id: v.id("knowledgeGaps"),
  _creationTime: v.number(),
  conversationId: v.id("conversations"),
  question: v.string(),
  normalizedQuestion: v.string(),
  /** How many times this question (rephrasings included) went unanswered, up to `MAX_GAP_COUNT`. */
  count: v.number(),
});

/**
 * Questions the agent could not answer from the knowledge base, newest
 * first, each with how often it (or a rephrasing: same terms) was asked.
 * Admins only: they are the ones who add articles.
 */
export const list = orgQuery({
  role: "admin",
  args: { paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vGap),
  handler: async (ctx, args) => {
    const page = await ctx.db
      .query("knowledgeGaps")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", ctx.organizationId))
      .order("desc")
      .paginate(args.paginationOpts);
    const counts = new Map<string, number>();
    for (const gap of page.page) {
      if (counts.has(gap.normalizedQuestion)) continue;
      const same = await ctx.db
        .query("knowledgeGaps")
        .withIndex("by_organization_id_and_normalized_question", (q) =>
          q
            .eq("organizationId", ctx.organizationId)
            .eq("normalizedQuestion", gap.normalizedQuestion),
        )
        .take(MAX_GAP_COUNT);
      counts.set(gap.normalizedQuestion, same.length);
    }
    return {
      ...page,
      page: page.page.map(({ organizationId: _organizationId, ...gap }) => ({
        ...gap,
        count: counts.get(gap.normalizedQuestion) ?? 1,
      })),
    };
  },
});
