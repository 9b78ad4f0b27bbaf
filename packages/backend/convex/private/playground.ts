import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { enforceRateLimit } from "../lib/rateLimits";
import { vAnswerRating, vPlaygroundPassage, vPlaygroundStatus } from "../lib/validators";

/** Longest playground question, in characters (a visitor's message is bounded the same way). */
export const MAX_PLAYGROUND_QUESTION = 500;

const vRun = v.object({
  _id: v.id("playgroundRuns"),
  _creationTime: v.number(),
  question: v.string(),
  answer: v.string(),
  status: vPlaygroundStatus,
  responder: v.union(v.literal("local"), v.literal("model")),
  passages: v.array(vPlaygroundPassage),
  abstained: v.boolean(),
  abstentionReason: v.optional(v.string()),
  rating: v.optional(vAnswerRating),
});

function toRun({
  organizationId: _organizationId,
  askedBy: _askedBy,
  ratedBy: _ratedBy,
  ...run
}: Doc<"playgroundRuns">) {
  return run;
}

/**
 * Ask the agent a question as a visitor would. The answer streams into the
 * run (`get`). Nothing here touches a conversation: the question never
 * reaches the inbox, analytics, knowledge gaps or the plan's AI-reply quota;
 * a per-organization rate limit bounds what it can cost instead.
 */
export const ask = orgMutation({
  args: { question: v.string() },
  returns: v.id("playgroundRuns"),
  limits: { question: MAX_PLAYGROUND_QUESTION },
  handler: async (ctx, { question }) => {
    const text = question.trim();
    if (!text) throw appError("INVALID_INPUT", "Type a question to ask the agent.");
    await enforceRateLimit(ctx, "playgroundQuestions", ctx.organizationId);
    const runId = await ctx.db.insert("playgroundRuns", {
      organizationId: ctx.organizationId,
      askedBy: ctx.user._id,
      question: text,
      answer: "",
      status: "answering",
      responder: "local",
      passages: [],
      abstained: false,
    });
    await ctx.scheduler.runAfter(0, internal.system.playground.answer, { runId });
    return runId;
  },
});

/** One playground run, streaming answer included. */
export const get = orgQuery({
  args: { runId: v.id("playgroundRuns") },
  returns: vRun,
  handler: async (ctx, { runId }) => {
    const run = await ctx.db.get("playgroundRuns", runId);
    // Another organization's run is reported exactly like a missing one.
    if (!run || run.organizationId !== ctx.organizationId) {
      throw appError("NOT_FOUND", "This test question does not exist.");
    }
    return toRun(run);
  },
});

/** Earlier playground questions, newest first; only those rated `rating` if given. */
export const list = orgQuery({
  args: { paginationOpts: vPaginationOpts, rating: v.optional(vAnswerRating) },
  returns: paginationResultValidator(vRun),
  handler: async (ctx, { paginationOpts, rating }) => {
    const query = rating
      ? ctx.db
          .query("playgroundRuns")
          .withIndex("by_organization_id_and_rating", (q) =>
            q.eq("organizationId", ctx.organizationId).eq("rating", rating),
          )
      : ctx.db
          .query("playgroundRuns")
          .withIndex("by_organization_id", (q) => q.eq("organizationId", ctx.organizationId));
    const page = await query.order("desc").paginate(paginationOpts);
    return { ...page, page: page.page.map(toRun) };
  },
});

/** Mark an answer good or bad (null clears the mark). Admins only: they own the knowledge base. */
export const rate = orgMutation({
  role: "admin",
  args: { runId: v.id("playgroundRuns"), rating: v.union(vAnswerRating, v.null()) },
  returns: v.null(),
  handler: async (ctx, { runId, rating }) => {
    const run = await ctx.db.get("playgroundRuns", runId);
    if (!run || run.organizationId !== ctx.organizationId) {
      throw appError("NOT_FOUND", "This test question does not exist.");
    }
    if (run.status === "answering") {
      throw appError("CONFLICT", "Wait for the answer to finish before rating it.");
    }
    await ctx.db.patch("playgroundRuns", runId, {
      rating: rating ?? undefined,
      ratedBy: rating ? ctx.user._id : undefined,
    });
    return null;
  },
});
