/**
 * The organization-wide statistics the relevance model needs (how many
 * passages, how long on average), kept in one `knowledgeStats` row per
 * organization and adjusted as sources are added and removed, so a search
 * never counts passages.
 *
 * Organizations whose sources predate the table get their row rebuilt from
 * the sources' `chunkCount` (bounded: the first `REBUILD_SOURCES` sources)
 * on the first change, and searched with that estimate until then.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export type CorpusStats = {
  passageCount: number;
  /** Mean passage length in stems, when known. */
  averageLength: number | undefined;
};

/** Sources summed when an organization has no statistics row yet. */
const REBUILD_SOURCES = 1_000;

async function statsRow(ctx: QueryCtx, organizationId: Id<"organizations">) {
  return await ctx.db
    .query("knowledgeStats")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .unique();
}

async function countFromSources(ctx: QueryCtx, organizationId: Id<"organizations">) {
  const sources = await ctx.db
    .query("knowledgeSources")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .take(REBUILD_SOURCES);
  return sources.reduce((sum, source) => sum + source.chunkCount, 0);
}

/** The organization's passage statistics (estimated from its sources if never recorded). */
export async function readCorpusStats(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<CorpusStats> {
  const row = await statsRow(ctx, organizationId);
  if (row) return toStats(row);
  return { passageCount: await countFromSources(ctx, organizationId), averageLength: undefined };
}

function toStats(row: Doc<"knowledgeStats">): CorpusStats {
  return {
    passageCount: row.passageCount,
    averageLength:
      row.stemCount !== undefined && row.passageCount > 0
        ? row.stemCount / row.passageCount
        : undefined,
  };
}

/**
 * Record passages added (positive) or removed (negative). Call it *before*
 * inserting or deleting the passages' source: a missing row is rebuilt from
 * the sources as they are at that moment, and the change applied on top.
 */
export async function adjustCorpusStats(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  change: { passages: number; stems: number },
): Promise<void> {
  const row = await statsRow(ctx, organizationId);
  if (row) {
    await ctx.db.patch("knowledgeStats", row._id, {
      passageCount: Math.max(0, row.passageCount + change.passages),
      stemCount:
        row.stemCount === undefined ? undefined : Math.max(0, row.stemCount + change.stems),
    });
    return;
  }
  const existing = await countFromSources(ctx, organizationId);
  await ctx.db.insert("knowledgeStats", {
    organizationId,
    passageCount: Math.max(0, existing + change.passages),
    // Lengths of older passages are unknown until they are all gone.
    stemCount: existing === 0 ? Math.max(0, change.stems) : undefined,
  });
}
