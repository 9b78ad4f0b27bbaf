import { currentPlan, PLANS, requireQuota } from "../lib/plans";
import { recordUsage, usageOf } from "../lib/usage";
import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { audit } from "../lib/audit";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { describeFormats, formatOf, titleFromFileName } from "../lib/documents";
import { chunkText, MAX_SOURCE_CHARACTERS } from "../lib/knowledge";
import { adjustCorpusStats } from "../lib/knowledgeStats";
import { sectionTitles, stems } from "../lib/relevance";
import { claimUpload, forgetUpload, issueUpload } from "../lib/uploads";
import { vKnowledgeSourceKind, vKnowledgeSourceStatus } from "../lib/validators";
import { deletePassages, queueIngestion } from "../lib/knowledgeSources";

export { MAX_SOURCE_CHARACTERS };

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
  fileName: v.optional(v.string()),
  parentId: v.optional(v.id("knowledgeSources")),
  lastCrawledAt: v.optional(v.number()),
  progress: v.optional(v.object({ done: v.number(), total: v.number() })),
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
          contentType: _contentType,
          attempt: _attempt,
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
      status: semantic ? "embedding" : "ready",
      chunkCount: chunks.length,
      progress: semantic ? { done: 0, total: chunks.length } : undefined,
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
 * A one-time URL to upload a knowledge-base file to (`POST /uploads`; the
 * body is the file), then `addFile` with the storage id it answers. The
 * URL's ticket records this organization and purpose, so the file can be
 * attached only here. Admins only.
 */
export const generateUploadUrl = orgMutation({
  role: "admin",
  args: { fileName: v.string() },
  limits: { fileName: 255 },
  returns: v.string(),
  handler: async (ctx, { fileName }) => {
    const plan = PLANS[await currentPlan(ctx, ctx.organizationId)];
    const format = formatOf(fileName, undefined);
    if (!format || !(plan.knowledgeFileFormats as readonly string[]).includes(format)) {
      throw appError(
        "INVALID_INPUT",
        `${fileName} is not a file type the ${plan.name} plan accepts: upload ${describeFormats(plan.knowledgeFileFormats)}.`,
      );
    }
    return await issueUpload(ctx, ctx.organizationId, "knowledgeFile", fileName);
  },
});

/**
 * Add an uploaded file (see `generateUploadUrl`) to the knowledge base. It
 * is `queued`, then read, chunked and embedded in the background
 * (`system/ingestion.ingest`); its status shows how far it got. Admins only.
 */
export const addFile = orgMutation({
  role: "admin",
  args: { storageId: v.id("_storage"), title: v.optional(v.string()) },
  limits: { title: 200 },
  returns: v.id("knowledgeSources"),
  handler: async (ctx, { storageId, title }) => {
    const upload = await claimUpload(ctx, ctx.organizationId, "knowledgeFile", storageId);
    const attached = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_storage_id", (q) => q.eq("storageId", storageId))
      .first();
    if (attached) throw appError("CONFLICT", "This file is already in the knowledge base.");
    const fileName = upload.fileName ?? "file";
    const sourceId = await ctx.db.insert("knowledgeSources", {
      organizationId: ctx.organizationId,
      title: title?.trim() || titleFromFileName(fileName),
      kind: "file",
      storageId,
      fileName,
      contentType: upload.contentType,
      status: "queued",
      chunkCount: 0,
      attempt: 0,
      updatedAt: Date.now(),
    });
    await queueIngestion(ctx, (await ctx.db.get("knowledgeSources", sourceId))!);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "knowledgeSource.added",
      targetId: sourceId,
      details: { fileName },
    });
    return sourceId;
  },
});

/**
 * Import a web page, or a sitemap (each of its pages, up to the plan's
 * cap, becomes a source of its own), by URL. The page is fetched in the
 * background; in production only public addresses are fetched (see
 * `lib/safeFetch.ts`). Admins only.
 */
export const addUrl = orgMutation({
  role: "admin",
  args: { url: v.string() },
  limits: { url: 2_048 },
  returns: v.id("knowledgeSources"),
  handler: async (ctx, args) => {
    const url = args.url.trim();
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw appError("INVALID_INPUT", "The address must start with http:// or https://.");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw appError("INVALID_INPUT", "The address must start with http:// or https://.");
    }
    const sourceId = await ctx.db.insert("knowledgeSources", {
      organizationId: ctx.organizationId,
      title: parsed.toString(),
      kind: "url",
      url: parsed.toString(),
      status: "queued",
      chunkCount: 0,
      attempt: 0,
      updatedAt: Date.now(),
    });
    await queueIngestion(ctx, (await ctx.db.get("knowledgeSources", sourceId))!);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "knowledgeSource.added",
      targetId: sourceId,
      details: { url: parsed.toString() },
    });
    return sourceId;
  },
});

/** The organization's source `sourceId`, or NOT_FOUND. */
async function ownSource(
  ctx: QueryCtx & { organizationId: Id<"organizations"> },
  sourceId: Id<"knowledgeSources">,
) {
  const source = await ctx.db.get("knowledgeSources", sourceId);
  if (!source || source.organizationId !== ctx.organizationId) {
    throw appError("NOT_FOUND", "This source does not exist.");
  }
  return source;
}

/**
 * Read a file again, or crawl a page or sitemap again. Its current passages
 * stay searchable until the new ones replace them. Admins only.
 */
export const reindex = orgMutation({
  role: "admin",
  args: { sourceId: v.id("knowledgeSources") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const source = await ownSource(ctx, args.sourceId);
    if (source.kind === "text") {
      throw appError("INVALID_INPUT", "An article is indexed when it is saved; edit it instead.");
    }
    await queueIngestion(ctx, source);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "knowledgeSource.reindexed",
      targetId: source._id,
    });
    return null;
  },
});

/**
 * Remove a source and its passages (and with them their vectors) from the
 * knowledge base, with its uploaded file, or a sitemap with its pages. A
 * job still reading it writes nothing. Admins only.
 */
export const remove = orgMutation({
  role: "admin",
  args: { sourceId: v.id("knowledgeSources") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const source = await ownSource(ctx, args.sourceId);
    // A sitemap's pages are capped by the plan (a few hundred at most).
    const pages = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_parent_id", (q) => q.eq("parentId", source._id))
      .collect();
    for (const doomed of [...pages, source]) {
      await deletePassages(ctx, doomed);
      if (doomed.storageId) {
        await forgetUpload(ctx, doomed.storageId);
        await ctx.storage.delete(doomed.storageId);
      }
      await ctx.db.delete("knowledgeSources", doomed._id);
    }
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
