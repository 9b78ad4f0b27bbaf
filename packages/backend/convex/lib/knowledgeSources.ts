/**
 * Steps shared by the dashboard's knowledge-base mutations and the ingestion
 * jobs (`system/knowledgeSources.ts`): queueing a source for (re-)indexing
 * and deleting its passages with the statistics and usage kept true.
 */
import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { adjustCorpusStats } from "./knowledgeStats";
import { stems } from "./relevance";
import { recordUsage } from "./usage";

/** Queue a source for (re-)indexing by `system/ingestion.ingest`; supersedes a running job. */
export async function queueIngestion(ctx: MutationCtx, source: Doc<"knowledgeSources">) {
  const attempt = (source.attempt ?? 0) + 1;
  await ctx.db.patch("knowledgeSources", source._id, {
    status: "queued",
    error: undefined,
    progress: undefined,
    attempt,
    updatedAt: Date.now(),
  });
  await ctx.scheduler.runAfter(0, internal.system.ingestion.ingest, {
    sourceId: source._id,
    attempt,
  });
}

/** Delete a source's passages (and their vectors), keeping the statistics and usage true. */
export async function deletePassages(ctx: MutationCtx, source: Doc<"knowledgeSources">) {
  // A source holds at most MAX_SOURCE_CHARACTERS of text, so its passages fit in one transaction.
  const chunks = await ctx.db
    .query("knowledgeChunks")
    .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", source._id))
    .collect();
  if (chunks.length === 0) return;
  await adjustCorpusStats(ctx, source.organizationId, {
    passages: -chunks.length,
    stems: -chunks.reduce((sum, chunk) => sum + stems(chunk.text).length, 0),
  });
  for (const chunk of chunks) await ctx.db.delete("knowledgeChunks", chunk._id);
  const characters = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  await recordUsage(ctx, source.organizationId, "knowledgeBaseCharacters", -characters);
}
