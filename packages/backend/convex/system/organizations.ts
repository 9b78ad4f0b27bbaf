import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalMutation, type MutationCtx } from "../_generated/server";

/** Documents deleted per transaction; the job reschedules itself until nothing is left. */
const BATCH = 100;

type Step = (ctx: MutationCtx, organizationId: Id<"organizations">) => Promise<number>;

/**
 * Each step deletes up to BATCH documents of one kind and says how many.
 * Children before parents: a conversation's reads and typing rows before it,
 * a source's passages before it, so no step ever loses track of its rows.
 */
const STEPS: Step[] = [
  async (ctx, organizationId) => {
    const rows = await ctx.db
      .query("messages")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .take(BATCH);
    for (const row of rows) await ctx.db.delete("messages", row._id);
    return rows.length;
  },
  async (ctx, organizationId) => {
    const conversations = await ctx.db
      .query("conversations")
      .withIndex("by_organization_id_and_last_message_at", (q) =>
        q.eq("organizationId", organizationId),
      )
      .take(10);
    for (const conversation of conversations) {
      const reads = await ctx.db
        .query("conversationReads")
        .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversation._id))
        .take(BATCH);
      for (const read of reads) await ctx.db.delete("conversationReads", read._id);
      const typing = await ctx.db
        .query("typingIndicators")
        .withIndex("by_conversation_id_and_typist", (q) => q.eq("conversationId", conversation._id))
        .take(BATCH);
      for (const row of typing) await ctx.db.delete("typingIndicators", row._id);
      if (reads.length < BATCH && typing.length < BATCH) {
        await ctx.db.delete("conversations", conversation._id);
      }
    }
    return conversations.length;
  },
  async (ctx, organizationId) => {
    const sources = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .take(1);
    for (const source of sources) {
      const chunks = await ctx.db
        .query("knowledgeChunks")
        .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", source._id))
        .take(BATCH);
      for (const chunk of chunks) await ctx.db.delete("knowledgeChunks", chunk._id);
      if (chunks.length < BATCH) {
        if (source.storageId) await ctx.storage.delete(source.storageId);
        await ctx.db.delete("knowledgeSources", source._id);
      }
    }
    return sources.length;
  },
  async (ctx, organizationId) => {
    const rows = await ctx.db
      .query("contactSessions")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .take(BATCH);
    for (const row of rows) await ctx.db.delete("contactSessions", row._id);
    return rows.length;
  },
  async (ctx, organizationId) => {
    const rows = await ctx.db
      .query("widgetSettings")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .take(BATCH);
    for (const row of rows) {
      if (row.logoStorageId) await ctx.storage.delete(row.logoStorageId);
      await ctx.db.delete("widgetSettings", row._id);
    }
    return rows.length;
  },
  ...(
    [
      ["conversationCounts", "by_organization_id_and_status"],
      ["cannedResponses", "by_organization_id_and_shortcut"],
      ["notifications", "by_organization_id"],
      ["plugins", "by_organization_id_and_service"],
      ["vapiSettings", "by_organization_id"],
      ["voiceCalls", "by_organization_id"],
      ["memberships", "by_organization_id_and_user_id"],
      ["membershipRemovals", "by_organization_id_and_user_external_id"],
      ["subscriptions", "by_organization_id"],
      ["usage", "by_organization_id_and_period"],
      ["auditLogs", "by_organization_id"],
    ] as const
  ).map(([table, index]): Step => async (ctx, organizationId) => {
    // Every index named here starts with organizationId.
    const rows = await ctx.db
      .query(table)
      .withIndex(index as never, (q) =>
        (q as unknown as { eq: (f: string, v: unknown) => never }).eq(
          "organizationId",
          organizationId,
        ),
      )
      .take(BATCH);
    for (const row of rows) await ctx.db.delete(table, row._id as never);
    return rows.length;
  }),
];

/**
 * Delete a deleted organization's data once its retention period is over
 * (scheduled by `system/clerkWebhooks` on `organization.deleted`). The
 * organization row stays, marked deleted and renamed, so a late or replayed
 * Clerk event cannot bring the organization back.
 */
export const purge = internalMutation({
  args: { organizationId: v.id("organizations") },
  returns: v.null(),
  handler: async (ctx, { organizationId }) => {
    const organization = await ctx.db.get("organizations", organizationId);
    if (!organization || organization.deletedAt === undefined) return null;
    for (const step of STEPS) {
      if ((await step(ctx, organizationId)) > 0) {
        await ctx.scheduler.runAfter(0, internal.system.organizations.purge, { organizationId });
        return null;
      }
    }
    await ctx.db.patch("organizations", organizationId, {
      name: "Deleted organization",
      slug: undefined,
    });
    return null;
  },
});
