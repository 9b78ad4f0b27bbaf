/**
 * Knowledge-base logic that needs no I/O (and no AI SDK, so query and
 * mutation modules may import it): splitting a source into passages, fusing
 * the full-text and vector rankings of the model path's hybrid search (see
 * `lib/retrieval.ts`), and deciding which sources need embedding. How well a
 * passage answers a question is `lib/relevance.ts`.
 *
 * A passage is what search returns and what an answer quotes, so it should
 * hold one idea: paragraphs are kept whole when they fit, long ones are cut
 * between sentences.
 */
import type { Doc } from "../_generated/dataModel";

/**
 * Length of the vectors in `knowledgeChunks.by_embedding`. Fixed by the
 * schema's vector index, so the embedding model must produce (or be asked
 * for, with `dimensions`) exactly this many.
 */
export const EMBEDDING_DIMENSIONS = 1536;

/**
 * Longest text one source may hold (about 30 pages): its passages are
 * written, replaced and deleted in one transaction.
 */
export const MAX_SOURCE_CHARACTERS = 100_000;

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

/** A passage and where it sits in its document. */
export type Passage = { text: string; section?: string };

/** How a section path reads in a citation: "Warranty › Making a claim". */
export const SECTION_SEPARATOR = " › ";
const MAX_SECTION = 300;
const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * Cut a Markdown document (what every extractor produces: files, web pages)
 * into passages by its structure. Each heading starts a section; a passage
 * never spans two sections and carries the path of headings above it, so an
 * answer can cite "Warranty › Making a claim". Within a section, paragraphs
 * are grouped as `chunkText` does. Headings inside code blocks are text.
 */
export function chunkDocument(markdown: string): Passage[] {
  const passages: Passage[] = [];
  const path: { level: number; title: string }[] = [];
  let body: string[] = [];
  let fenced = false;
  const flush = () => {
    const section = path.map((heading) => heading.title).join(SECTION_SEPARATOR) || undefined;
    for (const text of chunkText(body.join("\n"))) {
      passages.push({ text, section: section?.slice(0, MAX_SECTION) });
    }
    body = [];
  };
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    if (FENCE.test(line)) fenced = !fenced;
    const heading = fenced ? null : HEADING.exec(line);
    if (!heading) {
      body.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    while (path.length > 0 && path.at(-1)!.level >= level) path.pop();
    path.push({ level, title: heading[2]!.replace(/[*_`]/g, "").trim() });
  }
  flush();
  return passages;
}

/**
 * One passage per row of a table (CSV), each cell labelled with its
 * column's header ("Price: 129 EUR"), so a row reads on its own when quoted.
 * The row's first cell names its section.
 */
export function chunkRows(header: string[], rows: string[][]): Passage[] {
  const passages: Passage[] = [];
  for (const row of rows) {
    const cells = row
      .map((cell, index) => ({ label: header[index]?.trim(), value: cell.trim() }))
      .filter((cell) => cell.value !== "");
    if (cells.length === 0) continue;
    const text = cells
      .map((cell) => (cell.label ? `${cell.label}: ${cell.value}` : cell.value))
      .join("\n");
    for (const piece of text.length <= MAX ? [text] : chunkText(text)) {
      passages.push({ text: piece, section: cells[0]!.value.slice(0, MAX_SECTION) });
    }
  }
  return passages;
}

/** Words too common to tell passages apart. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  "a an and are as at be but by can do does for from have how i if in is it me my of on or our so than that the their them there this to us was we what when where which who why will with you your".split(
    " ",
  ),
);

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

/** A source left `pending` this long lost its embedding job (the action died); it is queued again. */
export const STALE_PENDING_MS = 60 * 60 * 1000;
/** A source whose embedding failed is tried again after this long (by the hourly sweep or a search). */
export const RETRY_FAILED_MS = 24 * 60 * 60 * 1000;

/**
 * Whether a source's passages should be (re-)embedded under `key`: it has
 * passages and no vectors from the configured model, and no embedding job is
 * running for it (or the last one died or failed long enough ago).
 */
export function needsEmbedding(
  source: Pick<Doc<"knowledgeSources">, "status" | "embeddedWith" | "updatedAt" | "chunkCount">,
  key: string,
  now: number,
): boolean {
  if (source.chunkCount === 0 || source.embeddedWith === key) return false;
  switch (source.status) {
    case "ready":
      return true;
    case "embedding":
    case "pending":
      return now - source.updatedAt > STALE_PENDING_MS;
    case "failed":
      return now - source.updatedAt > RETRY_FAILED_MS;
    // Being (re-)indexed: the ingestion job embeds it when its passages are written.
    case "queued":
    case "extracting":
    case "chunking":
      return false;
  }
}
