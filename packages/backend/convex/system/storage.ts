import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { internalMutation } from "../_generated/server";
import { forgetUpload } from "../lib/uploads";

/** Files younger than this may still be on their way to `setLogo` (or a future attach). */
export const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

/** Whether anything still points at the file: a widget logo or a knowledge-base source. */
async function isReferenced(ctx: QueryCtx, storageId: Id<"_storage">) {
  const logo = await ctx.db
    .query("widgetSettings")
    .withIndex("by_logo_storage_id", (q) => q.eq("logoStorageId", storageId))
    .first();
  if (logo) return true;
  const source = await ctx.db
    .query("knowledgeSources")
    .withIndex("by_storage_id", (q) => q.eq("storageId", storageId))
    .first();
  return source !== null;
}

/**
 * Delete uploaded files nothing refers to: uploads the dashboard never
 * attached (a closed tab, a refused logo). Walks storage oldest first, a
 * batch per transaction, and schedules itself for the next batch.
 */
export const sweepOrphans = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ deleted: v.number(), done: v.boolean() }),
  handler: async (ctx, { cursor }) => {
    const cutoff = Date.now() - ORPHAN_AGE_MS;
    const page = await ctx.db.system
      .query("_storage")
      .withIndex("by_creation_time", (q) => q.lt("_creationTime", cutoff))
      .paginate({ numItems: BATCH, cursor: cursor ?? null });
    let deleted = 0;
    for (const file of page.page) {
      if (await isReferenced(ctx, file._id)) continue;
      await forgetUpload(ctx, file._id);
      await ctx.storage.delete(file._id);
      deleted++;
    }
    // Upload tickets never used (the dialog was closed before the upload).
    const unused = await ctx.db
      .query("uploads")
      .withIndex("by_storage_id_and_expires_at", (q) =>
        q.eq("storageId", undefined).lt("expiresAt", Date.now()),
      )
      .take(BATCH);
    for (const ticket of unused) await ctx.db.delete("uploads", ticket._id);
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.system.storage.sweepOrphans, {
        cursor: page.continueCursor,
      });
    }
    return { deleted, done: page.isDone };
  },
});
