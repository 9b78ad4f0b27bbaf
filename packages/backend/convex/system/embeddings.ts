/**
 * The knowledge base's embedding jobs: actions only. They call the embedding
 * model through the AI SDK (`lib/embeddings.ts`), which no module defining a
 * query or mutation may import (every call of those would load the SDK; see
 * `convex/aiSdk.test.ts`). Reading and writing the data they work on is in
 * `system/knowledgeBase.ts`.
 */
import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction, type ActionCtx } from "../_generated/server";
import {
  describeEmbeddingError,
  EMBEDDING_BATCH,
  embeddingKey,
  embedTexts,
  passageForEmbedding,
  type EmbeddingConfig,
} from "../lib/embeddings";
import { env } from "../lib/env";

/** A backfill action hands over to a fresh one after this long (Convex stops actions at 10 minutes). */
const BACKFILL_BUDGET_MS = 4 * 60 * 1000;

/**
 * Embed every passage of a source, in batches of EMBEDDING_BATCH per
 * request, and record the outcome on the source. Never throws: a failure is
 * the source's `failed` status and `error`.
 */
async function embedSource(
  ctx: ActionCtx,
  config: EmbeddingConfig,
  sourceId: Id<"knowledgeSources">,
) {
  const source = await ctx.runQuery(internal.system.knowledgeBase.passagesToEmbed, { sourceId });
  if (!source) return;
  try {
    for (let start = 0; start < source.passages.length; start += EMBEDDING_BATCH) {
      const batch = source.passages.slice(start, start + EMBEDDING_BATCH);
      const vectors = await embedTexts(
        config,
        batch.map((passage) => passageForEmbedding(source.title, passage.text)),
      );
      const stillThere = await ctx.runMutation(internal.system.knowledgeBase.storeEmbeddings, {
        sourceId,
        embeddings: batch.map((passage, i) => ({
          chunkId: passage.chunkId,
          embedding: vectors[i]!,
        })),
      });
      if (!stillThere) return;
    }
    await ctx.runMutation(internal.system.knowledgeBase.finishEmbedding, {
      sourceId,
      outcome: { kind: "embedded", embeddedWith: embeddingKey(config) },
    });
  } catch (error) {
    console.error(`knowledge base: embedding source ${sourceId} failed: ${String(error)}`);
    await ctx.runMutation(internal.system.knowledgeBase.finishEmbedding, {
      sourceId,
      outcome: { kind: "failed", error: describeEmbeddingError(error) },
    });
  }
}

/** Embed a newly added source (scheduled by `private/knowledgeBase.addText`). */
export const embed = internalAction({
  args: { sourceId: v.id("knowledgeSources") },
  returns: v.null(),
  handler: async (ctx, { sourceId }) => {
    const config = env.embeddings();
    if (!config) {
      await ctx.runMutation(internal.system.knowledgeBase.finishEmbedding, {
        sourceId,
        outcome: { kind: "skipped" },
      });
      return null;
    }
    await embedSource(ctx, config, sourceId);
    return null;
  },
});

/**
 * Embed the sources that lack vectors from the configured model: those added
 * before an API key was set, embedded by another model, left pending by a
 * job that died, or failed over a day ago. One organization's (when a search
 * finds its index incomplete) or every organization's (the hourly cron; run
 * it by hand with `npx convex run system/embeddings:backfill`). Sources
 * are embedded one after another, which keeps the request rate modest.
 */
export const backfill = internalAction({
  args: {
    organizationId: v.optional(v.id("organizations")),
    cursor: v.optional(v.union(v.string(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, { organizationId, cursor = null }) => {
    const config = env.embeddings();
    if (!config) return null;
    const embeddedWith = embeddingKey(config);
    const deadline = Date.now() + BACKFILL_BUDGET_MS;
    let next = cursor;
    while (Date.now() < deadline) {
      const page = await ctx.runMutation(internal.system.knowledgeBase.claimForBackfill, {
        organizationId,
        embeddedWith,
        cursor: next,
      });
      for (const sourceId of page.sourceIds) await embedSource(ctx, config, sourceId);
      if (page.isDone) return null;
      next = page.continueCursor;
    }
    await ctx.scheduler.runAfter(0, internal.system.embeddings.backfill, {
      organizationId,
      cursor: next,
    });
    return null;
  },
});
