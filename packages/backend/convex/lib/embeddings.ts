/**
 * Text embeddings for the knowledge base's semantic search, through the AI
 * SDK's OpenAI provider (`POST {OPENAI_BASE_URL}/embeddings`), so any
 * OpenAI-compatible server works. Vectors are always asked for, and checked
 * to have, `EMBEDDING_DIMENSIONS` numbers: the vector index cannot hold
 * anything else, and a model that ignores `dimensions` must fail loudly
 * rather than fill the index with vectors no query can match.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { embedMany } from "ai";

import { EMBEDDING_DIMENSIONS } from "./knowledge";

export type EmbeddingConfig = { apiKey: string; baseURL: string; model: string };

/** How many passages go into one embeddings request (a 100,000-character source has ~125). */
export const EMBEDDING_BATCH = 64;

/**
 * What a source's `embeddedWith` records: vectors made under another key
 * (another model, or the same model at another size) are not comparable
 * with the query's and must be made again.
 */
export function embeddingKey(config: EmbeddingConfig): string {
  return `${config.model}/${EMBEDDING_DIMENSIONS}`;
}

/** The embeddings endpoint answered, but not with vectors the index can use. */
export class EmbeddingResponseError extends Error {}

/**
 * Embed `values` in one request, returning one vector per value in order.
 * `maxRetries` is the AI SDK's (retryable failures: network, 429, 5xx).
 */
export async function embedTexts(
  config: EmbeddingConfig,
  values: string[],
  options: { maxRetries?: number; abortSignal?: AbortSignal } = {},
): Promise<number[][]> {
  if (values.length === 0) return [];
  const provider = createOpenAI({ apiKey: config.apiKey, baseURL: config.baseURL });
  const { embeddings } = await embedMany({
    model: provider.embedding(config.model),
    values,
    maxRetries: options.maxRetries,
    abortSignal: options.abortSignal,
    providerOptions: { openai: { dimensions: EMBEDDING_DIMENSIONS } },
  });
  if (embeddings.length !== values.length) {
    throw new EmbeddingResponseError(
      `The embeddings endpoint returned ${embeddings.length} vectors for ${values.length} passages.`,
    );
  }
  for (const vector of embeddings) {
    if (vector.length !== EMBEDDING_DIMENSIONS) {
      throw new EmbeddingResponseError(
        `The embedding model "${config.model}" returned vectors of ${vector.length} dimensions; ` +
          `Parley's index needs ${EMBEDDING_DIMENSIONS}. Use a model that supports ` +
          `${EMBEDDING_DIMENSIONS} dimensions (e.g. text-embedding-3-small) in OPENAI_EMBEDDING_MODEL.`,
      );
    }
    if (!vector.every(Number.isFinite)) {
      throw new EmbeddingResponseError(
        "The embeddings endpoint returned a vector with non-numbers.",
      );
    }
  }
  return embeddings;
}

/** The text a passage is embedded as: its source's title gives a short passage its subject. */
export function passageForEmbedding(title: string, text: string): string {
  return `${title}\n\n${text}`;
}

/** A short, readable reason for an embedding failure, for the source's `error`. */
export function describeEmbeddingError(error: unknown): string {
  let detail =
    error instanceof EmbeddingResponseError
      ? error.message
      : `The embeddings endpoint failed: ${error instanceof Error ? error.message : String(error)}`;
  detail = detail.trim().slice(0, 400);
  if (!/[.!?]$/.test(detail)) detail += ".";
  return `Semantic search is unavailable for this source. ${detail} Its passages are still found by keyword search.`;
}
