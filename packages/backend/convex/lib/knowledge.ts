/**
 * Knowledge-base text handling that needs no I/O: splitting a source into
 * passages, ordering full-text candidates, and fusing the full-text and
 * vector rankings of the model path's hybrid search (see `lib/retrieval.ts`).
 *
 * A passage is what search returns and what an answer quotes, so it should
 * hold one idea: paragraphs are kept whole when they fit, long ones are cut
 * between sentences.
 */

/**
 * Length of the vectors in `knowledgeChunks.by_embedding`. Fixed by the
 * schema's vector index, so the embedding model must produce (or be asked
 * for, with `dimensions`) exactly this many.
 */
export const EMBEDDING_DIMENSIONS = 1536;

const TARGET = 800;
const MAX = 1_200;

function sentences(paragraph: string): string[] {
  return (
    paragraph
      .match(/[^.!?]+(?:[.!?]+["')\]]*\s*|$)/g)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? [paragraph]
  );
}

/** Cut a string that has no sentence breaks into MAX-sized pieces. */
function hardSplit(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += MAX) pieces.push(text.slice(i, i + MAX));
  return pieces;
}

export function chunkText(text: string): string[] {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t]+/g, " ").trim())
    .filter(Boolean);

  const units = paragraphs.flatMap((paragraph) =>
    paragraph.length <= MAX
      ? [paragraph]
      : sentences(paragraph).flatMap((s) => (s.length <= MAX ? [s] : hardSplit(s))),
  );

  const chunks: string[] = [];
  let current = "";
  for (const unit of units) {
    if (current && current.length + unit.length + 2 > TARGET) {
      chunks.push(current);
      current = unit;
    } else {
      current = current ? `${current}\n\n${unit}` : unit;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Order search candidates by how much of the query they cover: distinct
 * query terms present (a word starting with the term counts, as in Convex's
 * prefix search), then how often they occur. Ties keep the search engine's
 * own order. Convex already ranks by relevance; this keeps the best passage
 * first when the engine does not (the local runtime returns matches unranked).
 */
export function rankPassages<T extends { text: string }>(query: string, candidates: T[]): T[] {
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return candidates;
  const scored = candidates.map((candidate, index) => {
    const passage = words(candidate.text);
    let covered = 0;
    let occurrences = 0;
    for (const term of terms) {
      const hits = passage.filter((word) => word.startsWith(term)).length;
      if (hits > 0) covered++;
      occurrences += Math.min(hits, 3);
    }
    return { candidate, index, covered, occurrences };
  });
  scored.sort(
    (a, b) => b.covered - a.covered || b.occurrences - a.occurrences || a.index - b.index,
  );
  return scored.map((s) => s.candidate);
}

/**
 * Reciprocal-rank fusion: merge rankings of the same items from different
 * retrievers (full-text, vector) into one. Each item scores the sum of
 * `1 / (k + rank)` over the lists it appears in, so an item both retrievers
 * rank well beats one that only one of them found, and no retriever's raw
 * scores need to be comparable with the other's. `k = 60` is the usual
 * constant (Cormack et al., 2009). Ties keep the order of first appearance,
 * earlier lists first.
 */
export function fuseRankings<T>(lists: T[][], key: (item: T) => string, k = 60): T[] {
  const fused = new Map<string, { item: T; score: number; order: number }>();
  for (const list of lists) {
    for (const [rank, item] of list.entries()) {
      const id = key(item);
      const entry = fused.get(id) ?? { item, score: 0, order: fused.size };
      entry.score += 1 / (k + rank + 1);
      fused.set(id, entry);
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map((entry) => entry.item);
}
