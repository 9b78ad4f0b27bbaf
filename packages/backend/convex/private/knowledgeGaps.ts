import { paginationResultValidator } from "convex/server";
import { v, type Infer } from "convex/values";

import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { similarQuestions } from "../lib/relevance";
import { LIMITS, vGapResolution } from "../lib/validators";

/** Same questions counted per gap, at most (the dashboard shows "100+"). */
export const MAX_GAP_COUNT = 100;

const vGap = v.object({
  _id: v.id("knowledgeGaps"),
  _creationTime: v.number(),
  conversationId: v.id("conversations"),
  question: v.string(),
  normalizedQuestion: v.string(),
  resolution: v.optional(vGapResolution),
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

/** Open gaps the Knowledge gaps screen groups (the most recent ones). */
export const MAX_GROUPED_GAPS = 500;
/** Distinct wordings a group is compared by. */
const MAX_GROUP_KEYS = 20;
/** Groups returned, most asked first. */
const MAX_GROUPS = 50;
/** Repeats of one question closed along with it by `resolve`. */
const MAX_RESOLVED_REPEATS = 500;
/** Conversations linked from one group. */
const MAX_GROUP_CONVERSATIONS = 10;

const vGapGroup = v.object({
  /** The most recent wording of the question. */
  question: v.string(),
  /** Other wordings in the group, most recent first (at most 5). */
  variants: v.array(v.string()),
  /** Unanswered askings in the group. */
  count: v.number(),
  lastAskedAt: v.number(),
  /** The group's gaps, for dismissing or resolving them together. */
  gapIds: v.array(v.id("knowledgeGaps")),
  /** Conversations where it was asked, most recent first. */
  conversationIds: v.array(v.id("conversations")),
});

/**
 * Open knowledge gaps grouped by similar wording (`similarQuestions` over
 * their stemmed terms), most asked first. Reads the `MAX_GROUPED_GAPS` most
 * recent open gaps; `truncated` says there were more. Admins only.
 */
export const groups = orgQuery({
  role: "admin",
  args: {},
  returns: v.object({ groups: v.array(vGapGroup), truncated: v.boolean() }),
  handler: async (ctx) => {
    const gaps = await ctx.db
      .query("knowledgeGaps")
      .withIndex("by_organization_id_and_resolution", (q) =>
        q.eq("organizationId", ctx.organizationId).eq("resolution", undefined),
      )
      .order("desc")
      .take(MAX_GROUPED_GAPS + 1);
    const truncated = gaps.length > MAX_GROUPED_GAPS;
    /** `keys`: the distinct wordings' keys; a gap joins a group similar to any of them. */
    type Group = Infer<typeof vGapGroup> & { keys: string[] };
    const found: Group[] = [];
    for (const gap of gaps.slice(0, MAX_GROUPED_GAPS)) {
      const key = gap.normalizedQuestion;
      const group = found.find((candidate) =>
        candidate.keys.some((other) => other === key || similarQuestions(other, key)),
      );
      if (!group) {
        found.push({
          keys: [key],
          question: gap.question,
          variants: [],
          count: 1,
          lastAskedAt: gap._creationTime,
          gapIds: [gap._id],
          conversationIds: [gap.conversationId],
        });
        continue;
      }
      group.count++;
      if (!group.keys.includes(key) && group.keys.length < MAX_GROUP_KEYS) group.keys.push(key);
      if (group.gapIds.length < LIMITS.defaultArray) group.gapIds.push(gap._id);
      const wording = gap.question.toLowerCase();
      if (
        group.variants.length < 5 &&
        wording !== group.question.toLowerCase() &&
        !group.variants.some((variant) => variant.toLowerCase() === wording)
      ) {
        group.variants.push(gap.question);
      }
      if (
        group.conversationIds.length < MAX_GROUP_CONVERSATIONS &&
        !group.conversationIds.includes(gap.conversationId)
      ) {
        group.conversationIds.push(gap.conversationId);
      }
    }
    return {
      groups: found
        .sort((a, b) => b.count - a.count || b.lastAskedAt - a.lastAskedAt)
        .slice(0, MAX_GROUPS)
        .map(({ keys: _keys, ...group }) => group),
      truncated,
    };
  },
});

/**
 * Close gaps: "dismissed" (not worth an article) or "resolved" (an article
 * now covers it). They leave the Knowledge gaps screen. Admins only.
 */
export const resolve = orgMutation({
  role: "admin",
  args: { gapIds: v.array(v.id("knowledgeGaps")), resolution: vGapResolution },
  returns: v.null(),
  handler: async (ctx, { gapIds, resolution }) => {
    if (gapIds.length === 0) throw appError("INVALID_INPUT", "Choose at least one question.");
    const gaps = await Promise.all(gapIds.map((id) => ctx.db.get("knowledgeGaps", id)));
    // All or nothing: one foreign or missing id refuses the whole call.
    if (gaps.some((gap) => !gap || gap.organizationId !== ctx.organizationId)) {
      throw appError("NOT_FOUND", "This question is no longer listed.");
    }
    // Repeats of the same question go with them, so a group larger than one call closes too.
    const keys = new Set(gaps.map((gap) => gap!.normalizedQuestion));
    for (const normalizedQuestion of keys) {
      const same = await ctx.db
        .query("knowledgeGaps")
        .withIndex("by_organization_id_and_normalized_question", (q) =>
          q.eq("organizationId", ctx.organizationId).eq("normalizedQuestion", normalizedQuestion),
        )
        .take(MAX_RESOLVED_REPEATS);
      for (const gap of same) {
        if (gap.resolution === undefined)
          await ctx.db.patch("knowledgeGaps", gap._id, { resolution });
      }
    }
    for (const id of gapIds) await ctx.db.patch("knowledgeGaps", id, { resolution });
    return null;
  },
});
