/**
 * The database side of ingesting a file or web page (`system/ingestion.ts`
 * does the reading, in an action): moving a source through its statuses,
 * and writing its passages.
 *
 * Every step carries the source's `attempt`: a re-index bumps it, so a job
 * that was overtaken (or whose source was deleted) writes nothing.
 * Passages are written in one transaction (`store`), replacing the previous
 * ones, so search sees a source's old passages or its new ones, never part
 * of either.
 */
import { ConvexError, v } from "convex/values";

import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import { internalMutation, type MutationCtx } from "../_generated/server";
import { env } from "../lib/env";
import { MAX_SOURCE_CHARACTERS } from "../lib/knowledge";
import { adjustCorpusStats } from "../lib/knowledgeStats";
import { deletePassages, queueIngestion } from "../lib/knowledgeSources";
import { currentPlan, PLANS, requireQuota } from "../lib/plans";
import { stems } from "../lib/relevance";
import { recordUsage, usageOf } from "../lib/usage";

async function current(
  ctx: MutationCtx,
  sourceId: Id<"knowledgeSources">,
  attempt: number,
): Promise<Doc<"knowledgeSources"> | null> {
  const source = await ctx.db.get("knowledgeSources", sourceId);
  return source && (source.attempt ?? 0) === attempt ? source : null;
}

async function markFailed(ctx: MutationCtx, source: Doc<"knowledgeSources">, error: string) {
  await ctx.db.patch("knowledgeSources", source._id, {
    status: "failed",
    error,
    progress: undefined,
    updatedAt: Date.now(),
  });
}

/**
 * Start a job: the source moves to `extracting`. Returns what the action
 * needs to read it, or null when the job was superseded.
 */
export const begin = internalMutation({
  args: { sourceId: v.id("knowledgeSources"), attempt: v.number() },
  returns: v.union(
    v.object({
      kind: v.union(v.literal("url"), v.literal("sitemap"), v.literal("file")),
      url: v.optional(v.string()),
      storageId: v.optional(v.id("_storage")),
      fileName: v.optional(v.string()),
      contentType: v.optional(v.string()),
      /** A page of a sitemap (not itself a sitemap). */
      isPage: v.boolean(),
      maxBytes: v.number(),
      sitemapPages: v.number(),
    }),
    v.null(),
  ),
  handler: async (ctx, { sourceId, attempt }) => {
    const source = await current(ctx, sourceId, attempt);
    if (!source || source.kind === "text") return null;
    await ctx.db.patch("knowledgeSources", sourceId, {
      status: "extracting",
      updatedAt: Date.now(),
    });
    const plan = PLANS[await currentPlan(ctx, source.organizationId)];
    return {
      kind: source.kind,
      url: source.url,
      storageId: source.storageId,
      fileName: source.fileName,
      contentType: source.contentType,
      isPage: source.parentId !== undefined,
      maxBytes: plan.maxKnowledgeFileBytes,
      sitemapPages: plan.sitemapPages,
    };
  },
});

/** The document was read: the source moves to `chunking`. */
export const chunking = internalMutation({
  args: { sourceId: v.id("knowledgeSources"), attempt: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { sourceId, attempt }) => {
    const source = await current(ctx, sourceId, attempt);
    if (!source) return false;
    await ctx.db.patch("knowledgeSources", sourceId, { status: "chunking", updatedAt: Date.now() });
    return true;
  },
});

/**
 * Replace the source's passages with `passages`, in one transaction, within
 * the plan's quota; then `embedding` (an embedding job is scheduled) or
 * `ready`. A document with no text, too much text or past the quota fails
 * with the reason, and its previous passages stay.
 */
export const store = internalMutation({
  args: {
    sourceId: v.id("knowledgeSources"),
    attempt: v.number(),
    title: v.optional(v.string()),
    passages: v.array(v.object({ text: v.string(), section: v.optional(v.string()) })),
    crawled: v.boolean(),
  },
  returns: v.null(),
  handler: async (ctx, { sourceId, attempt, title, passages, crawled }) => {
    const source = await current(ctx, sourceId, attempt);
    if (!source) return null;
    if (passages.length === 0) {
      await markFailed(
        ctx,
        source,
        source.kind === "file"
          ? "No text was found in this file."
          : "No text was found on this page.",
      );
      return null;
    }
    const characters = passages.reduce((sum, passage) => sum + passage.text.length, 0);
    if (characters > MAX_SOURCE_CHARACTERS) {
      await markFailed(
        ctx,
        source,
        `This ${source.kind === "file" ? "file" : "page"} holds ${characters.toLocaleString("en-US")} characters of text; one source can hold ${MAX_SOURCE_CHARACTERS.toLocaleString("en-US")}. Split it into smaller files.`,
      );
      return null;
    }
    const previous = await ctx.db
      .query("knowledgeChunks")
      .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", sourceId))
      .collect();
    const previousCharacters = previous.reduce((sum, chunk) => sum + chunk.text.length, 0);
    const plan = await currentPlan(ctx, source.organizationId);
    const usage = await usageOf(ctx, source.organizationId);
    try {
      requireQuota(
        plan,
        "knowledgeBaseCharacters",
        usage.knowledgeBaseCharacters - previousCharacters,
        characters,
        "characters of knowledge-base text",
      );
    } catch (error) {
      if (!(error instanceof ConvexError)) throw error;
      await markFailed(ctx, source, (error.data as { message: string }).message);
      return null;
    }
    await deletePassages(ctx, source);
    await adjustCorpusStats(ctx, source.organizationId, {
      passages: passages.length,
      stems: passages.reduce((sum, passage) => sum + stems(passage.text).length, 0),
    });
    for (const [position, passage] of passages.entries()) {
      await ctx.db.insert("knowledgeChunks", {
        organizationId: source.organizationId,
        sourceId,
        position,
        text: passage.text,
        section: passage.section,
      });
    }
    await recordUsage(ctx, source.organizationId, "knowledgeBaseCharacters", characters);
    const semantic = env.embeddings() !== null;
    const now = Date.now();
    await ctx.db.patch("knowledgeSources", sourceId, {
      status: semantic ? "embedding" : "ready",
      error: undefined,
      chunkCount: passages.length,
      embeddedWith: undefined,
      progress: semantic ? { done: 0, total: passages.length } : undefined,
      updatedAt: now,
      ...(title ? { title: title.slice(0, 200) } : {}),
      ...(crawled ? { lastCrawledAt: now } : {}),
    });
    if (semantic) await ctx.scheduler.runAfter(0, internal.system.embeddings.embed, { sourceId });
    return null;
  },
});

/** The job failed: the source is `failed` with `error`, a reason for a person. */
export const fail = internalMutation({
  args: { sourceId: v.id("knowledgeSources"), attempt: v.number(), error: v.string() },
  returns: v.null(),
  handler: async (ctx, { sourceId, attempt, error }) => {
    const source = await current(ctx, sourceId, attempt);
    if (source) await markFailed(ctx, source, error);
    return null;
  },
});

/**
 * A sitemap was read: each of its pages (up to the plan's cap) becomes a
 * `url` source of its own, found under the sitemap; pages already imported
 * are crawled again. The sitemap is `ready`, its progress saying how many of
 * the pages it lists were imported.
 */
export const addPages = internalMutation({
  args: {
    sourceId: v.id("knowledgeSources"),
    attempt: v.number(),
    urls: v.array(v.string()),
    found: v.number(),
  },
  returns: v.null(),
  handler: async (ctx, { sourceId, attempt, urls, found }) => {
    const source = await current(ctx, sourceId, attempt);
    if (!source) return null;
    if (urls.length === 0) {
      await markFailed(ctx, source, "This sitemap lists no pages.");
      return null;
    }
    // Bounded by the plan's sitemap cap (at most a few hundred pages).
    const existing = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_parent_id", (q) => q.eq("parentId", sourceId))
      .collect();
    const byUrl = new Map(existing.map((page) => [page.url, page]));
    const now = Date.now();
    for (const url of urls) {
      const page = byUrl.get(url);
      if (page) {
        await queueIngestion(ctx, page);
        continue;
      }
      const pageId = await ctx.db.insert("knowledgeSources", {
        organizationId: source.organizationId,
        title: url,
        kind: "url",
        url,
        parentId: sourceId,
        status: "queued",
        chunkCount: 0,
        attempt: 0,
        updatedAt: now,
      });
      await queueIngestion(ctx, (await ctx.db.get("knowledgeSources", pageId))!);
    }
    await ctx.db.patch("knowledgeSources", sourceId, {
      kind: "sitemap",
      status: "ready",
      error: undefined,
      progress: { done: urls.length, total: found },
      lastCrawledAt: now,
      updatedAt: now,
    });
    return null;
  },
});
