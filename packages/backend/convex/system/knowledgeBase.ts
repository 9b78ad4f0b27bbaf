import { v } from "convex/values";

import type { Doc, Id } from "../_generated/dataModel";
import { internalMutation, internalQuery } from "../_generated/server";
import { needsEmbedding } from "../lib/knowledge";
import { readCorpusStats } from "../lib/knowledgeStats";
import {
  hasTerm,
  queryTerms,
  scorePassage,
  stems,
  termWeight,
  type Relevance,
  type WeightedTerm,
} from "../lib/relevance";

/**
 * Passages read per search. Each question term is one full-text search
 * (plus one per synonym; its document frequency is counted from the
 * results), so a question costs at most `MAX_SEARCHES` × this many reads
 * (~1.2 KB each). Up to this many passages per
 * term the frequency is exact; beyond, it is estimated (see `search`).
 */
const PER_TERM = 64;
/** Full-text searches per question at most: one per term (16 at most), then synonyms. */
const MAX_SEARCHES = 24;
/** Passages the whole question's search adds (Convex's own ranking, for capped terms). */
const CANDIDATES = 32;
/** Best passages (by their text) whose source title is read and scored too. */
const RESCORED = 24;

const vHit = v.object({
  chunkId: v.id("knowledgeChunks"),
  sourceId: v.id("knowledgeSources"),
  title: v.string(),
  text: v.string(),
  section: v.optional(v.string()),
  /** How well the passage answers the query; full-text hits only. */
  relevance: v.optional(
    v.object({
      score: v.number(),
      coverage: v.number(),
      /** The query's terms with their IDF weights, and whether this passage has each. */
      terms: v.array(v.object({ term: v.string(), weight: v.number(), matched: v.boolean() })),
    }),
  ),
});

/**
 * Full-text search over one organization's knowledge base, best passages
 * first, each with its relevance (`lib/relevance.ts`): BM25 over stems with
 * IDF from the organization's passages, and the share of the query's weight
 * the passage covers (the local responder answers only above a threshold).
 *
 * Reads are bounded: one search per query term and synonym (at most
 * `MAX_SEARCHES`, `PER_TERM` passages each), one for the whole query, the statistics row, and the
 * sources of the best `RESCORED` passages.
 */
export const search = internalQuery({
  args: { organizationId: v.id("organizations"), query: v.string(), limit: v.number() },
  returns: v.array(vHit),
  handler: async (ctx, { organizationId, query, limit }) => {
    const terms = queryTerms(query);
    if (terms.length === 0) return [];
    const stats = await readCorpusStats(ctx, organizationId);
    type Candidate = { chunk: Doc<"knowledgeChunks">; stems: string[]; distinct: Set<string> };
    const candidates = new Map<Id<"knowledgeChunks">, Candidate>();
    const consider = (chunk: Doc<"knowledgeChunks">) => {
      let entry = candidates.get(chunk._id);
      if (!entry) {
        const passageStems = stems(`${chunk.section ?? ""}\n${chunk.text}`);
        entry = { chunk, stems: passageStems, distinct: new Set(passageStems) };
        candidates.set(chunk._id, entry);
      }
      return entry;
    };
    const weighted: WeightedTerm[] = [];
    let searches = 0;
    for (const { term, prefix, synonyms } of terms) {
      // Convex matches the last term of a search as a prefix: "charg" finds "charging".
      // Synonyms are searched too while the budget lasts, the word itself always.
      const prefixes = [prefix, ...synonyms].filter(
        (_, index) => index === 0 || searches + index < MAX_SEARCHES,
      );
      const found = new Map<Id<"knowledgeChunks">, Doc<"knowledgeChunks">>();
      let capped = false;
      for (const searched of prefixes) {
        searches++;
        const page = await ctx.db
          .query("knowledgeChunks")
          .withSearchIndex("search_text", (q) =>
            q.search("text", searched).eq("organizationId", organizationId),
          )
          .take(PER_TERM);
        capped ||= page.length === PER_TERM;
        for (const chunk of page) found.set(chunk._id, chunk);
      }
      let frequency = 0;
      for (const chunk of found.values()) if (hasTerm(consider(chunk).distinct, term)) frequency++;
      // A capped search says only "at least this many": scale by the share of the
      // passages that matched, a term found everywhere should weigh little.
      const documentFrequency = capped
        ? Math.max(frequency, Math.round((stats.passageCount * frequency) / found.size))
        : frequency;
      weighted.push({ term, weight: termWeight(stats.passageCount, documentFrequency) });
    }
    const whole = await ctx.db
      .query("knowledgeChunks")
      .withSearchIndex("search_text", (q) =>
        q.search("text", terms.map((t) => t.prefix).join(" ")).eq("organizationId", organizationId),
      )
      .take(CANDIDATES);
    for (const chunk of whole) consider(chunk);

    const entries = [...candidates.values()];
    const averageLength =
      stats.averageLength ??
      entries.reduce((sum, entry) => sum + entry.stems.length, 0) / Math.max(entries.length, 1);
    const byText = entries
      .map((entry) => ({ ...entry, relevance: scorePassage(weighted, entry.stems, averageLength) }))
      .filter((entry) => entry.relevance.score > 0)
      .sort((a, b) => b.relevance.score - a.relevance.score)
      .slice(0, RESCORED);

    // The article's title counts as part of each of its passages.
    const sources = new Map<Id<"knowledgeSources">, Doc<"knowledgeSources"> | null>();
    const scored: {
      chunk: Doc<"knowledgeChunks">;
      source: Doc<"knowledgeSources">;
      relevance: Relevance;
    }[] = [];
    for (const { chunk, stems: text } of byText) {
      if (!sources.has(chunk.sourceId)) {
        sources.set(chunk.sourceId, await ctx.db.get("knowledgeSources", chunk.sourceId));
      }
      const source = sources.get(chunk.sourceId);
      if (!source) continue;
      const relevance = scorePassage(weighted, [...stems(source.title), ...text], averageLength);
      scored.push({ chunk, source, relevance });
    }
    scored.sort(
      (a, b) =>
        b.relevance.score - a.relevance.score ||
        b.relevance.coverage - a.relevance.coverage ||
        a.chunk.position - b.chunk.position,
    );
    return scored.slice(0, Math.min(limit, 10)).map(({ chunk, source, relevance }) => ({
      chunkId: chunk._id,
      sourceId: source._id,
      title: source.title,
      text: chunk.text,
      section: chunk.section,
      relevance: {
        score: relevance.score,
        coverage: relevance.coverage,
        terms: weighted.map(({ term, weight }) => ({
          term,
          weight,
          matched: relevance.matched.includes(term),
        })),
      },
    }));
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
      hits.push({
        chunkId,
        sourceId: source._id,
        title: source.title,
        text: chunk.text,
        section: chunk.section,
      });
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
    const source = await ctx.db.get("knowledgeSources", sourceId);
    if (!source) return false;
    for (const { chunkId, embedding } of embeddings) {
      const chunk = await ctx.db.get("knowledgeChunks", chunkId);
      if (chunk?.sourceId === sourceId)
        await ctx.db.patch("knowledgeChunks", chunkId, { embedding });
    }
    if (source.status === "embedding") {
      const done = (source.progress?.done ?? 0) + embeddings.length;
      await ctx.db.patch("knowledgeSources", sourceId, {
        progress: { done: Math.min(done, source.chunkCount), total: source.chunkCount },
      });
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
    const source = await ctx.db.get("knowledgeSources", sourceId);
    // Gone, or being re-indexed: the new passages get an embedding job of their own.
    if (!source || ["queued", "extracting", "chunking"].includes(source.status)) return null;
    const updatedAt = Date.now();
    if (outcome.kind === "embedded") {
      await ctx.db.patch("knowledgeSources", sourceId, {
        status: "ready",
        error: undefined,
        embeddedWith: outcome.embeddedWith,
        progress: undefined,
        updatedAt,
      });
    } else if (outcome.kind === "failed") {
      // Some passages may hold new vectors and others old ones: none count until a retry succeeds.
      await ctx.db.patch("knowledgeSources", sourceId, {
        status: "failed",
        error: outcome.error,
        embeddedWith: undefined,
        progress: undefined,
        updatedAt,
      });
    } else {
      // No embedding model any more: the source is as if added without one.
      await ctx.db.patch("knowledgeSources", sourceId, {
        status: "ready",
        progress: undefined,
        updatedAt,
      });
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
        status: "embedding",
        error: undefined,
        progress: { done: 0, total: source.chunkCount },
        updatedAt: now,
      });
      sourceIds.push(source._id);
    }
    return { sourceIds, continueCursor: page.continueCursor, isDone: page.isDone };
  },
});
