import { currentPlan, requireQuota } from "../lib/plans";
import { recordUsage, usageOf } from "../lib/usage";
import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { internal } from "../_generated/api";
import { audit } from "../lib/audit";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { chunkText } from "../lib/knowledge";
import { adjustCorpusStats } from "../lib/knowledgeStats";
import { sectionTitles, stems } from "../lib/relevance";
import { vKnowledgeSourceKind, vKnowledgeSourceStatus } from "../lib/validators";

/** Longest text one source may hold (about 30 pages). */
export const MAX_SOURCE_CHARACTERS = 100_000;

const vSource = v.object({
  _id: v.id("knowledgeSources"),
  _creationTime: v.number(),
  title: v.string(),
  kind: vKnowledgeSourceKind,
  url: v.optional(v.string()),
  status: vKnowledgeSourceStatus,
  error: v.optional(v.string()),
  chunkCount: v.number(),
  updatedAt: v.number(),
});

/** The organization's knowledge-base sources, newest first. */
export const list = orgQuery({
  args: { paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vSource),
  handler: async (ctx, args) => {
    const page = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", ctx.organizationId))
      .order("desc")
      .paginate(args.paginationOpts);
    return {
      ...page,
      page: page.page.map(
        ({
          organizationId: _organizationId,
          storageId: _storageId,
          embeddedWith: _embeddedWith,
          ...source
        }) => source,
      ),
    };
  },
});

/**
 * Add a text article to the knowledge base; its passages are found by
 * full-text search at once. With an embedding model configured the source
 * is `pending` until its passages are embedded for semantic search (see
 * `system/embeddings.embed`). Admins only.
 */
export const addText = orgMutation({
  role: "admin",
  args: { title: v.string(), text: v.string(), url: v.optional(v.string()) },
  limits: { title: 200, text: MAX_SOURCE_CHARACTERS, url: 2_048 },
  returns: v.id("knowledgeSources"),
  handler: async (ctx, args) => {
    const title = args.title.trim();
    if (!title) throw appError("INVALID_INPUT", "Give the article a title.");
    const chunks = chunkText(args.text);
    if (chunks.length === 0) throw appError("INVALID_INPUT", "The article has no text.");
    const url = args.url?.trim() || undefined;
    if (url && !/^https?:\/\/\S+$/i.test(url)) {
      throw appError("INVALID_INPUT", "The link must start with http:// or https://.");
    }
    const characters = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const plan = await currentPlan(ctx, ctx.organizationId);
    const usage = await usageOf(ctx, ctx.organizationId);
    requireQuota(
      plan,
      "knowledgeBaseCharacters",
      usage.knowledgeBaseCharacters,
      characters,
      "characters of knowledge-base text",
    );
    await recordUsage(ctx, ctx.organizationId, "knowledgeBaseCharacters", characters);
    const now = Date.now();
    const sections = sectionTitles(chunks);
    await adjustCorpusStats(ctx, ctx.organizationId, {
      passages: chunks.length,
      stems: chunks.reduce((sum, text) => sum + stems(text).length, 0),
    });
    const semantic = env.embeddings() !== null;
    const sourceId = await ctx.db.insert("knowledgeSources", {
      organizationId: ctx.organizationId,
      title,
      kind: "text",
      url,
      status: semantic ? "pending" : "ready",
      chunkCount: chunks.length,
      updatedAt: now,
    });
    for (const [position, text] of chunks.entries()) {
      await ctx.db.insert("knowledgeChunks", {
        organizationId: ctx.organizationId,
        sourceId,
        position,
        text,
        section: sections[position],
      });
    }
    if (semantic) {
      await ctx.scheduler.runAfter(0, internal.system.embeddings.embed, { sourceId });
    }
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "knowledgeSource.added",
      targetId: sourceId,
    });
    return sourceId;
  },
});

/**
 * Remove a source and its passages (and with them their vectors) from the
 * knowledge base. Admins only.
 */
export const remove = orgMutation({
  role: "admin",
  args: { sourceId: v.id("knowledgeSources") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const source = await ctx.db.get("knowledgeSources", args.sourceId);
    if (!source || source.organizationId !== ctx.organizationId) {
      throw appError("NOT_FOUND", "This source does not exist.");
    }
    // A source holds at most MAX_SOURCE_CHARACTERS of text, so its passages fit in one transaction.
    const chunks = await ctx.db
      .query("knowledgeChunks")
      .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", source._id))
      .collect();
    await adjustCorpusStats(ctx, ctx.organizationId, {
      passages: -chunks.length,
      stems: -chunks.reduce((sum, chunk) => sum + stems(chunk.text).length, 0),
    });
    for (const chunk of chunks) await ctx.db.delete("knowledgeChunks", chunk._id);
    const characters = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
    await recordUsage(ctx, ctx.organizationId, "knowledgeBaseCharacters", -characters);
    await ctx.db.delete("knowledgeSources", source._id);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "knowledgeSource.removed",
      targetId: source._id,
      details: { title: source.title },
    });
    return null;
  },
});
