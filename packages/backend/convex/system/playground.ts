/**
 * "Test your agent": answers a playground question with the agent's real
 * pipeline (the same responder and knowledge-base search as
 * `system/agent.reply`), streaming into a `playgroundRuns` document instead
 * of a conversation, and keeps what a conversation does not: every passage
 * retrieved with its scores, which were cited, and why the agent abstained.
 */
import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction } from "../_generated/server";
import { abstentionReason, type KnowledgeHit } from "../lib/agent/localResponder";
import { localResponder, modelResponder } from "../lib/agent/responders";
import { DeltaWriter } from "../lib/agent/stream";
import { env } from "../lib/env";
import { searchKnowledgeBase, type RetrievedPassage } from "../lib/retrieval";
import type { PlaygroundPassage } from "../lib/validators";
import { MAX_REPLY_CHARACTERS } from "./agent";

/** How much of each retrieved passage the dashboard shows. */
const PASSAGE_PREVIEW_CHARACTERS = 600;

function toPassage(hit: RetrievedPassage, cited: boolean): PlaygroundPassage {
  return {
    sourceId: hit.sourceId,
    title: hit.title,
    ...(hit.section ? { section: hit.section } : {}),
    text: hit.text.slice(0, PASSAGE_PREVIEW_CHARACTERS),
    ...(hit.relevance ? { score: hit.relevance.score, coverage: hit.relevance.coverage } : {}),
    terms: hit.relevance?.terms ?? [],
    cited,
  };
}

/** Answer a playground question as the agent would answer a visitor. */
export const answer = internalAction({
  args: { runId: v.id("playgroundRuns") },
  returns: v.null(),
  handler: async (ctx, { runId }) => {
    const run = await ctx.runQuery(internal.system.playgroundRuns.input, { runId });
    if (!run) return null;
    const model = env.openAi();
    const respond = model ? modelResponder(model) : localResponder(env.streamPacingMs());
    // Runs are one row each, written in order: the delta's sequence number is not needed.
    const writer = new DeltaWriter(async (_seq, delta) => {
      await ctx.runMutation(internal.system.playgroundRuns.appendDelta, { runId, delta });
    }, MAX_REPLY_CHARACTERS);
    /** Every passage any search returned, in the order first seen. */
    const retrieved = new Map<Id<"knowledgeChunks">, RetrievedPassage>();
    const responder = model ? ("model" as const) : ("local" as const);
    try {
      const result = await respond(
        {
          agentName: run.agentName,
          organizationName: run.organizationName,
          history: [{ role: "visitor", body: run.question }],
        },
        {
          search: async (query) => {
            const hits = await searchKnowledgeBase(ctx, {
              organizationId: run.organizationId,
              query,
              limit: 3,
            });
            for (const hit of hits)
              if (!retrieved.has(hit.chunkId)) retrieved.set(hit.chunkId, hit);
            return hits satisfies KnowledgeHit[];
          },
          write: (delta) => writer.push(delta),
        },
      );
      await writer.flush();
      const hits = [...retrieved.values()];
      const cited = new Set(result.sourceIds);
      await ctx.runMutation(internal.system.playgroundRuns.finish, {
        runId,
        status: "complete",
        responder,
        passages: hits.map((hit) => toPassage(hit, cited.has(hit.sourceId))),
        abstained: result.unanswered,
        ...(result.unanswered
          ? {
              abstentionReason: model
                ? "The model searched the knowledge base but used none of the passages it found."
                : abstentionReason(hits),
            }
          : {}),
      });
    } catch (error) {
      console.error("playground answer failed", error);
      await ctx.runMutation(internal.system.playgroundRuns.finish, {
        runId,
        status: "failed",
        responder,
        passages: [...retrieved.values()].map((hit) => toPassage(hit, false)),
        abstained: false,
        answer: "The agent could not answer just now. Try again in a moment.",
      });
    }
    return null;
  },
});
