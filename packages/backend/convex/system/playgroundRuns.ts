/**
 * The database side of "Test your agent" (`system/playground.answer`): what a
 * run needs, and writing its streamed answer and result. Kept apart from the
 * action so no query or mutation module imports the AI SDK.
 */
import { v } from "convex/values";

import { internalMutation, internalQuery } from "../_generated/server";
import { vPlaygroundPassage } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/** What the agent needs to answer a run, or null once it is no longer waiting. */
export const input = internalQuery({
  args: { runId: v.id("playgroundRuns") },
  returns: v.union(
    v.object({
      organizationId: v.id("organizations"),
      organizationName: v.string(),
      agentName: v.string(),
      question: v.string(),
    }),
    v.null(),
  ),
  handler: async (ctx, { runId }) => {
    const run = await ctx.db.get("playgroundRuns", runId);
    if (!run || run.status !== "answering" || run.answer) return null;
    const organization = await ctx.db.get("organizations", run.organizationId);
    const settings = await widgetSettingsOrDefaults(ctx, run.organizationId);
    return {
      organizationId: run.organizationId,
      organizationName: organization?.name ?? "the company",
      agentName: settings.agentName,
      question: run.question,
    };
  },
});

export const appendDelta = internalMutation({
  args: { runId: v.id("playgroundRuns"), delta: v.string() },
  returns: v.null(),
  handler: async (ctx, { runId, delta }) => {
    const run = await ctx.db.get("playgroundRuns", runId);
    if (run?.status === "answering") {
      await ctx.db.patch("playgroundRuns", runId, { answer: run.answer + delta });
    }
    return null;
  },
});

export const finish = internalMutation({
  args: {
    runId: v.id("playgroundRuns"),
    status: v.union(v.literal("complete"), v.literal("failed")),
    responder: v.union(v.literal("local"), v.literal("model")),
    passages: v.array(vPlaygroundPassage),
    abstained: v.boolean(),
    abstentionReason: v.optional(v.string()),
    answer: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { runId, answer, ...result }) => {
    const run = await ctx.db.get("playgroundRuns", runId);
    if (!run) return null;
    await ctx.db.patch("playgroundRuns", runId, {
      ...result,
      ...(answer !== undefined ? { answer } : {}),
    });
    return null;
  },
});
