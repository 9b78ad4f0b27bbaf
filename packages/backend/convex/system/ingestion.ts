"use node";
/**
 * Ingesting a knowledge-base file or web page: read it (`extracting`), cut
 * it into passages by its structure (`chunking`), store them
 * (`system/knowledgeSources.store`, which schedules embedding). A sitemap
 * becomes one source per page instead.
 *
 * Node.js runtime: PDF.js, mammoth and the address-checked fetcher need it.
 * Failures end as the source's `failed` status with a reason a person
 * understands; unexpected ones are logged and named generically.
 */
import { v } from "convex/values";
import { XMLParser } from "fast-xml-parser";

import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction, type ActionCtx } from "../_generated/server";
import { formatOf, type DocumentFormat } from "../lib/documents";
import { env } from "../lib/env";
import { chunkExtracted, ExtractionError, extractDocument } from "../lib/extraction";
import { fetchPublic, FetchRefused } from "../lib/safeFetch";

/** Nested sitemaps (a sitemap index) read at most per import. */
const MAX_NESTED_SITEMAPS = 10;

const xml = new XMLParser({
  ignoreAttributes: true,
  isArray: (name) => name === "url" || name === "sitemap",
});

type SitemapEntries = { pages: string[]; sitemaps: string[] } | null;

/** The page and nested-sitemap URLs of a sitemap document, or null if it is not one. */
function readSitemap(contentType: string, body: Uint8Array): SitemapEntries {
  const text = new TextDecoder().decode(body);
  if (!/xml/i.test(contentType) && !/^\s*(<\?xml|<urlset|<sitemapindex)/i.test(text)) return null;
  let parsed: {
    urlset?: { url?: { loc?: unknown }[] };
    sitemapindex?: { sitemap?: { loc?: unknown }[] };
  };
  try {
    parsed = xml.parse(text) as typeof parsed;
  } catch {
    return null;
  }
  if (!parsed.urlset && !parsed.sitemapindex) return null;
  const locs = (entries: { loc?: unknown }[] | undefined) =>
    (entries ?? [])
      .map((entry) => (typeof entry.loc === "string" ? entry.loc.trim() : ""))
      .filter((loc) => /^https?:\/\//i.test(loc));
  return { pages: locs(parsed.urlset?.url), sitemaps: locs(parsed.sitemapindex?.sitemap) };
}

/** What a fetched page is, from its content type; HTML when the server does not say. */
function pageFormat(url: string, contentType: string): DocumentFormat {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "text/plain" && /\.(md|markdown)$/i.test(new URL(url).pathname)) return "markdown";
  return formatOf(undefined, type) ?? formatOf(new URL(url).pathname, undefined) ?? "html";
}

async function ingestSitemap(
  ctx: ActionCtx,
  job: { sourceId: Id<"knowledgeSources">; attempt: number; cap: number; maxBytes: number },
  first: NonNullable<SitemapEntries>,
) {
  const pages = new Set<string>();
  let found = 0;
  const take = (entries: NonNullable<SitemapEntries>) => {
    for (const page of entries.pages) {
      if (pages.has(page)) continue;
      found++;
      if (pages.size < job.cap) pages.add(page);
    }
  };
  take(first);
  for (const nested of first.sitemaps.slice(0, MAX_NESTED_SITEMAPS)) {
    const fetched = await fetchPublic(nested, {
      allowLoopback: env.isLocal(),
      maxBytes: job.maxBytes,
    });
    const entries = readSitemap(fetched.contentType, fetched.body);
    if (entries) take(entries);
  }
  await ctx.runMutation(internal.system.knowledgeSources.addPages, {
    sourceId: job.sourceId,
    attempt: job.attempt,
    urls: [...pages],
    found,
  });
}

/** Read, chunk and store one source (scheduled by `queueIngestion`). */
export const ingest = internalAction({
  args: { sourceId: v.id("knowledgeSources"), attempt: v.number() },
  returns: v.null(),
  handler: async (ctx, { sourceId, attempt }) => {
    const job = await ctx.runMutation(internal.system.knowledgeSources.begin, {
      sourceId,
      attempt,
    });
    if (!job) return null;
    try {
      let format: DocumentFormat | null;
      let bytes: Uint8Array;
      let crawled = false;
      if (job.kind === "file") {
        const blob = job.storageId ? await ctx.storage.get(job.storageId) : null;
        if (!blob) throw new ExtractionError("The uploaded file is gone. Upload it again.");
        format = formatOf(job.fileName, job.contentType);
        if (!format) throw new ExtractionError("Parley cannot read this kind of file.");
        bytes = new Uint8Array(await blob.arrayBuffer());
      } else {
        const page = await fetchPublic(job.url!, {
          allowLoopback: env.isLocal(),
          maxBytes: job.maxBytes,
        });
        const sitemap = readSitemap(page.contentType, page.body);
        if (sitemap) {
          if (job.isPage) throw new ExtractionError("This page of a sitemap is a sitemap itself.");
          await ingestSitemap(
            ctx,
            { sourceId, attempt, cap: job.sitemapPages, maxBytes: job.maxBytes },
            sitemap,
          );
          return null;
        }
        format = pageFormat(page.url, page.contentType);
        bytes = page.body;
        crawled = true;
      }
      const document = await extractDocument(format, bytes);
      if (
        !(await ctx.runMutation(internal.system.knowledgeSources.chunking, { sourceId, attempt }))
      ) {
        return null;
      }
      await ctx.runMutation(internal.system.knowledgeSources.store, {
        sourceId,
        attempt,
        title: job.kind === "file" ? undefined : document.title,
        passages: chunkExtracted(document),
        crawled,
      });
    } catch (error) {
      const known = error instanceof ExtractionError || error instanceof FetchRefused;
      if (!known) console.error(`knowledge base: ingesting ${sourceId} failed: ${String(error)}`);
      await ctx.runMutation(internal.system.knowledgeSources.fail, {
        sourceId,
        attempt,
        error: known
          ? error.message
          : "Something went wrong while reading this source. Try re-indexing it.",
      });
    }
    return null;
  },
});
