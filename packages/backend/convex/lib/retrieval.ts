/**
 * Knowledge-base retrieval for the agent.
 *
 * Without an embedding model (no OPENAI_API_KEY, or OPENAI_EMBEDDING_MODEL=off)
 * this is Convex full-text search, as the local responder has always used.
 * With one, it is hybrid: the question is embedded through the same
 * OpenAI-compatible API, Convex vector search finds the nearest passages
 * *of the visitor's organization only* (the vector index is filtered on
 * `organizationId`, one namespace per organization), and reciprocal-rank
 * fusion merges them with the full-text results, so a question phrased in
 * other words than the article ("money back" for "refund") still finds it.
 *
 * Any failure of the semantic half (endpoint down, timeout, bad vectors)
 * falls back to full-text search: a reply is never lost to it.
 *
 * Imports the AI SDK (through `embeddings.ts`): for action modules only.
 */
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";
import { embeddingKey, embedTexts, type EmbeddingConfig } from "./embeddings";
import { env } from "./env";
import { fuseRankings } from "./knowledge";
import type { PassageRelevance } from "./agent/localResponder";

export type RetrievedPassage = {
  chunkId: Id<"knowledgeChunks">;
  sourceId: Id<"knowledgeSources">;
  title: string;
  text: string;
  section?: string;
  relevance?: PassageRelevance;
};

/** Candidates each retriever contributes to the fusion. */
const KEYWORD_CANDIDATES = 10;
const VECTOR_CANDIDATES = 16;
/** How long a reply waits for the question's embedding before answering from full-text alone. */
const QUERY_EMBEDDING_TIMEOUT_MS = 5_000;

async function embedQuery(config: EmbeddingConfig, query: string): Promise<number[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), QUERY_EMBEDDING_TIMEOUT_MS);
  try {
    // No retries: a visitor is waiting, and full-text search is the fallback.
    const [vector] = await embedTexts(config, [query], {
      maxRetries: 0,
      abortSignal: controller.signal,
    });
    return vector!;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The nearest passages to `query` in the organization's vector index, or null
 * when the semantic half is unavailable (the caller then uses full-text only).
 */
async function semanticSearch(
  ctx: ActionCtx,
  config: EmbeddingConfig,
  organizationId: Id<"organizations">,
  query: string,
): Promise<RetrievedPassage[] | null> {
  try {
    const vector = await embedQuery(config, query);
    // The filter is what keeps one organization's passages out of another's answers.
    const nearest = await ctx.vectorSearch("knowledgeChunks", "by_embedding", {
      vector,
      limit: VECTOR_CANDIDATES,
      filter: (q) => q.eq("organizationId", organizationId),
    });
    const { hits, incomplete } = await ctx.runQuery(internal.system.knowledgeBase.vectorHits, {
      organizationId,
      chunkIds: nearest.map((result) => result._id),
      embeddedWith: embeddingKey(config),
      now: Date.now(),
    });
    // Sources added before the key was set, or embedded by another model: embed them now.
    if (incomplete) {
      await ctx.scheduler.runAfter(0, internal.system.embeddings.backfill, { organizationId });
    }
    return hits;
  } catch (error) {
    console.warn(`knowledge base: semantic search failed, using full-text only: ${String(error)}`);
    return null;
  }
}

/**
 * The passages of `organizationId`'s knowledge base that best answer `query`,
 * best first, each with its source (for citing). Runs in an action, where
 * Convex vector search is available.
 */
export async function searchKnowledgeBase(
  ctx: ActionCtx,
  args: { organizationId: Id<"organizations">; query: string; limit: number },
): Promise<RetrievedPassage[]> {
  const { organizationId, query, limit } = args;
  if (!query.trim()) return [];
  const config = env.embeddings();
  if (!config) {
    return await ctx.runQuery(internal.system.knowledgeBase.search, {
      organizationId,
      query,
      limit,
    });
  }
  const [keywordHits, vectorHits] = await Promise.all([
    ctx.runQuery(internal.system.knowledgeBase.search, {
      organizationId,
      query,
      limit: KEYWORD_CANDIDATES,
    }),
    semanticSearch(ctx, config, organizationId, query),
  ]);
  if (!vectorHits) return keywordHits.slice(0, limit);
  return fuseRankings([keywordHits, vectorHits], (hit) => hit.chunkId).slice(0, limit);
}
