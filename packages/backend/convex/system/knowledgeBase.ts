import { v } from "convex/values";

import { internalMutation, internalQuery } from "../_generated/server";
import { needsEmbedding, rankPassages, searchQueryTerms } from "../lib/knowledge";

/** How many passages the search engine returns for re-ranking (each at most ~1.2 KB). */
const CANDIDATES = 32;

const vHit = v.object({
  chunkId: v.id("knowledgeChunks"),
  sourceId: v.id("knowledgeSources"),
  title: v.string(),
  text: v.string(),
});

/** Full-text search over one organization's knowledge base, best passages first. */
export const search = internalQuery({
  args: { organizationId: v.id("organizations"), query: v.string(), limit: v.number() },
  returns: v.array(vHit),
  handler: async (ctx, { organizationId, query, limit }) => {
    // Convex reads at most 16 terms of a search: send the ones that matter.
    const terms = searchQueryTerms(query).join(" ");
    if (!terms) return [];
    const candidates = await ctx.db
      .query("knowledgeChunks")
      .withSearchIndex("search_text", (q) =>
        q.search("text", terms).eq("organizationId", organizationId),
      )
      .take(CANDIDATES);
    const chunks = rankPassages(terms, candidates).slice(0, Math.min(limit, 10));
    const hits = [];
    for (const chunk of chunks) {
      const source = await ctx.db.get("knowledgeSources", chunk.sourceId);
      if (source) {
        hits.push({
          chunkId: chunk._id,
          sourceId: source._id,
          title: source.title,
          text: chunk.text,
        });
      }
    }
    return hits;
  },
});

/**
 * The passages behind a vector search's results, in its order. A passage
 * counts only if it belongs to `organizationId` (the vector search is already
 * filtered on it; this is the second lock) and its source's vectors all come
 * from the configured model (`embeddedWith`). `incomplete` says the
 * organization has sources that should be embedded (see `needsEmbedding`).
 * The calling action passes the clock as `now`: a query that read it itself
 * could be answered from the cache with an old time.
 */
export const vectorHits = internalQuery({
  args: {
    organizationId: v.id("organizations"),
    chunkIds: v.array(v.id("knowledgeChunks")),
    embeddedWith: v.string(),
    now: v.number(),
  },
  returns: v.object({ hits: v.array(vHit), incomplete: v.boolean() }),
  handler: async (ctx, { organizationId, chunkIds, embeddedWith, now }) => {
    let incomplete = false;
    const hits = [];
    for (const chunkId of chunkIds) {
      const chunk = await ctx.db.get("knowledgeChunks", chunkId);
      if (!chunk || chunk.organizationId !== organizationId) continue;
      const source = await ctx.db.get("knowledgeSources", chunk.sourceId);
      if (!source) continue;
      if (source.embeddedWith !== embeddedWith) {
        incomplete ||= needsEmbedding(source, embeddedWith, now);
        continue;
      }
      hits.push({ chunkId, sourceId: source._id, title: source.title, text: chunk.text });
    }
    // Sources with no vectors at all (added before an API key was set) are never
    // among the nearest passages; look for them directly.
    if (!incomplete) {
      const unembedded = await ctx.db
        .query("knowledgeSources")
        .withIndex("by_organization_id_and_embedded_with", (q) =>
          q.eq("organizationId", organizationId).eq("embeddedWith", undefined),
        )
        .take(20);
      incomplete = unembedded.some((source) => needsEmbedding(source, embeddedWith, now));
    }
    return { hits, incomplete };
  },
});

/** A source's title and passages, for embedding; null once it is removed. */
export const passagesToEmbed = internalQuery({
  args: { sourceId: v.id("knowledgeSources") },
  returns: v.union(
    v.object({
      title: v.string(),
      passages: v.array(v.object({ chunkId: v.id("knowledgeChunks"), text: v.string() })),
    }),
    v.null(),
  ),
  handler: async (ctx, { sourceId }) => {
    const source = await ctx.db.get("knowledgeSources", sourceId);
    if (!source) return null;
    // A source holds at most MAX_SOURCE_CHARACTERS of text (~125 passages).
    const chunks = await ctx.db
      .query("knowledgeChunks")
      .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", sourceId))
      .collect();
    return {
      title: source.title,
      passages: chunks.map((chunk) => ({ chunkId: chunk._id, text: chunk.text })),
    };
  },
});

/** Store one batch of passage vectors. False when the source is gone (stop embedding it). */
export const storeEmbeddings = internalMutation({
  args: {
    sourceId: v.id("knowledgeSources"),
    embeddings: v.array(
      v.object({ chunkId: v.id("knowledgeChunks"), embedding: v.array(v.float64()) }),
    ),
  },
  returns: v.boolean(),
  handler: async (ctx, { sourceId, embeddings }) => {
    if (!(await ctx.db.get("knowledgeSources", sourceId))) return false;
    for (const { chunkId, embedding } of embeddings) {
      const chunk = await ctx.db.get("knowledgeChunks", chunkId);
      if (chunk?.sourceId === sourceId)
        await ctx.db.patch("knowledgeChunks", chunkId, { embedding });
    }
    return true;
  },
});

/** Record the outcome of embedding a source: ready under `embeddedWith`, or failed with `error`. */
export const finishEmbedding = internalMutation({
  args: {
    sourceId: v.id("knowledgeSources"),
    outcome: v.union(
      v.object({ kind: v.literal("embedded"), embeddedWith: v.string() }),
      v.object({ kind: v.literal("failed"), error: v.string() }),
      v.object({ kind: v.literal("skipped") }),
    ),
  },
  returns: v.null(),
  handler: async (ctx, { sourceId, outcome }) => {
    if (!(await ctx.db.get("knowledgeSources", sourceId))) return null;
    const updatedAt = Date.now();
    if (outcome.kind === "embedded") {
      await ctx.db.patch("knowledgeSources", sourceId, {
        status: "ready",
        error: undefined,
        embeddedWith: outcome.embeddedWith,
        updatedAt,
      });
    } else if (outcome.kind === "failed") {
      // Some passages may hold new vectors and others old ones: none count until a retry succeeds.
      await ctx.db.patch("knowledgeSources", sourceId, {
        status: "failed",
        error: outcome.error,
        embeddedWith: undefined,
        updatedAt,
      });
    } else {
      // No embedding model any more: the source is as if added without one.
      await ctx.db.patch("knowledgeSources", sourceId, { status: "ready", updatedAt });
    }
    return null;
  },
});

/** Sources looked at per backfill step; each claimed one is embedded before the next step. */
const BACKFILL_PAGE = 20;

/**
 * One page of sources, in creation order: those that need embedding are set
 * to `pending` (so a concurrent backfill leaves them alone) and returned.
 */
export const claimForBackfill = internalMutation({
  args: {
    organizationId: v.optional(v.id("organizations")),
    embeddedWith: v.string(),
    cursor: v.union(v.string(), v.null()),
  },
  returns: v.object({
    sourceIds: v.array(v.id("knowledgeSources")),
    continueCursor: v.string(),
    isDone: v.boolean(),
  }),
  handler: async (ctx, { organizationId, embeddedWith, cursor }) => {
    const sources =
      organizationId === undefined
        ? ctx.db.query("knowledgeSources")
        : ctx.db
            .query("knowledgeSources")
            .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId));
    const page = await sources.paginate({ numItems: BACKFILL_PAGE, cursor });
    const now = Date.now();
    const sourceIds = [];
    for (const source of page.page) {
      if (!needsEmbedding(source, embeddedWith, now)) continue;
      await ctx.db.patch("knowledgeSources", source._id, {
        status: "pending",
        error: undefined,
        updatedAt: now,
      });
      sourceIds.push(source._id);
    }
    return { sourceIds, continueCursor: page.continueCursor, isDone: page.isDone };
  },
});
