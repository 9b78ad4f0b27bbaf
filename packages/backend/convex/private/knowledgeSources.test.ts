/**
 * Knowledge-base sources beyond pasted text: files uploaded through
 * `POST /uploads` (fixtures in test/fixtures/knowledge, one per format) and
 * web pages or sitemaps imported by URL from a loopback HTTP server. Each
 * source goes through its real ingestion job (`system/ingestion.ingest`).
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  setup,
  snapshotTables,
  type Test,
} from "../../test/setup";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";

const FIXTURES = new URL("../../test/fixtures/knowledge/", import.meta.url);
const fixture = (name: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(new URL(name, FIXTURES)));

const TYPES: Record<string, string> = {
  pdf: "application/pdf",
  md: "text/markdown",
  txt: "text/plain",
  html: "text/html",
  csv: "text/csv",
};

/** Upload `bytes` as the organization's admin, as the dashboard does: a ticketed URL, then POST. */
async function upload(
  t: Test,
  orgId: string,
  fileName: string,
  bytes: Uint8Array<ArrayBuffer>,
  type?: string,
) {
  const url = new URL(
    await asAdmin(t, orgId).mutation(api.private.knowledgeBase.generateUploadUrl, { fileName }),
  );
  const response = await t.fetch(`${url.pathname}${url.search}`, {
    method: "POST",
    headers: {
      "content-type": type ?? TYPES[fileName.split(".").pop()!] ?? "application/octet-stream",
    },
    body: bytes,
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      storageId?: Id<"_storage">;
      code?: string;
      message?: string;
    },
  };
}

/** Upload a fixture, add it as a source and let its ingestion finish. */
async function addFixture(t: Test, orgId: string, fileName: string) {
  const { body } = await upload(t, orgId, fileName, fixture(fileName));
  const sourceId = await asAdmin(t, orgId).mutation(api.private.knowledgeBase.addFile, {
    storageId: body.storageId!,
  });
  await t.finishAllScheduledFunctions(() => {});
  return sourceId;
}

const sourceOf = (t: Test, sourceId: Id<"knowledgeSources">) =>
  t.run(async (ctx) => ctx.db.get("knowledgeSources", sourceId));
const passagesOf = (t: Test, sourceId: Id<"knowledgeSources">) =>
  t.run(async (ctx) =>
    ctx.db
      .query("knowledgeChunks")
      .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", sourceId))
      .collect(),
  );
const search = (t: Test, organizationId: Id<"organizations">, query: string) =>
  t.query(internal.system.knowledgeBase.search, { organizationId, query, limit: 3 });

beforeEach(() => {
  // The local responder's setup: no embedding model.
  vi.stubEnv("OPENAI_API_KEY", "");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("uploading files", () => {
  test("a PDF is read with its headings as sections, and found by its section", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "warranty.pdf");

    const source = await sourceOf(t, sourceId);
    expect(source).toMatchObject({
      status: "ready",
      kind: "file",
      title: "warranty",
      fileName: "warranty.pdf",
    });
    const passages = await passagesOf(t, sourceId);
    expect(source!.chunkCount).toBe(passages.length);
    expect(passages.map((p) => p.section)).toEqual([
      "Warranty",
      "Warranty › What is covered",
      "Warranty › What is not covered",
      "Warranty › Making a claim",
      "Warranty › Repairs abroad",
    ]);
    expect(passages[3]!.text).toContain("photograph the damaged part");
    const [best] = await search(t, org._id, "how do I make a warranty claim for a broken tent");
    expect(best).toMatchObject({ sourceId, section: "Warranty › Making a claim" });
  }, 30_000); // The first PDF loads PDF.js.

  test("a PDF with no text layer fails with a reason a person understands", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "scanned.pdf");
    const source = await sourceOf(t, sourceId);
    expect(source).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(source!.error).toMatch(/^This PDF has no text layer/);
    expect(await passagesOf(t, sourceId)).toEqual([]);
  });

  test("Markdown keeps its heading path; plain text is cut by paragraphs", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const markdown = await addFixture(t, "org_a", "returns.md");
    expect((await passagesOf(t, markdown)).map((p) => p.section)).toEqual([
      "Returns",
      "Returns › Starting a return",
      "Returns › Refunds",
    ]);
    const text = await addFixture(t, "org_a", "shipping.txt");
    const passages = await passagesOf(t, text);
    expect(passages.length).toBeGreaterThan(0);
    expect(passages.every((p) => p.section === undefined)).toBe(true);
    expect(passages.map((p) => p.text).join("\n")).toContain("ship the same working day");
    const [refund] = await search(t, org._id, "when do I get my refund");
    expect(refund).toMatchObject({ sourceId: markdown, section: "Returns › Refunds" });
  });

  test("HTML is read without its navigation, scripts and footer", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "care.html");
    const passages = await passagesOf(t, sourceId);
    expect(passages.map((p) => p.section)).toEqual([
      "Down care",
      "Down care › Washing",
      "Down care › Storage",
    ]);
    const all = passages.map((p) => p.text).join("\n");
    expect(all).toContain("down detergent");
    expect(all).not.toMatch(/analytics|Home|Trailhead Outdoor|font-family/);
  });

  test("CSV: each row is a passage, its cells labelled with their headers", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "stoves.csv");
    const passages = await passagesOf(t, sourceId);
    expect(passages.map((p) => ({ text: p.text, section: p.section }))).toEqual([
      {
        text: "Model: Ember Mini\nFuel: Gas canister\nWeight: 83 g\nBoil time: 3 min 30 s",
        section: "Ember Mini",
      },
      {
        text: "Model: Ember Duo, large\nFuel: Gas canister\nWeight: 140 g\nBoil time: 2 min 50 s",
        section: "Ember Duo, large",
      },
      {
        text: "Model: Nomad Multi\nFuel: White gas or kerosene\nWeight: 320 g\nBoil time: 4 min",
        section: "Nomad Multi",
      },
    ]);
    const [kerosene] = await search(t, org._id, "which stove burns kerosene");
    expect(kerosene).toMatchObject({ section: "Nomad Multi" });
  });

  test("the status moves queued → extracting → chunking → ready, and the dashboard lists it", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { body } = await upload(t, "org_a", "returns.md", fixture("returns.md"));
    const sourceId = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, {
      storageId: body.storageId!,
    });
    expect(await sourceOf(t, sourceId)).toMatchObject({ status: "queued", chunkCount: 0 });
    const attempt = (await sourceOf(t, sourceId))!.attempt!;
    await t.mutation(internal.system.knowledgeSources.begin, { sourceId, attempt });
    expect(await sourceOf(t, sourceId)).toMatchObject({ status: "extracting" });
    await t.mutation(internal.system.knowledgeSources.chunking, { sourceId, attempt });
    expect(await sourceOf(t, sourceId)).toMatchObject({ status: "chunking" });
    await t.finishAllScheduledFunctions(() => {});
    const { page } = await asOperator(t, "org_a").query(api.private.knowledgeBase.list, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(page).toEqual([
      expect.objectContaining({
        _id: sourceId,
        status: "ready",
        chunkCount: 3,
        fileName: "returns.md",
      }),
    ]);
    expect(page[0]).not.toHaveProperty("storageId");
  });
});

describe("upload limits", () => {
  test("a file type the plan does not accept is refused before any upload", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    for (const fileName of ["setup.exe", "manual.docx"]) {
      const error = await errorData(
        asAdmin(t, "org_a").mutation(api.private.knowledgeBase.generateUploadUrl, { fileName }),
      );
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message).toContain("not a file type the Free plan accepts");
    }
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("a file over the plan's size is refused by the server and not stored", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const big = new TextEncoder().encode("Tents. ".repeat(400_000)); // 2.8 MB > Free's 2 MB
    const { status, body } = await upload(t, "org_a", "big.txt", big);
    expect(status).toBe(413);
    expect(body).toEqual({
      code: "INVALID_INPUT",
      message: "Files can be at most 2 MB on the Free plan.",
    });
    const stored = await t.run(async (ctx) => ctx.db.system.query("_storage").collect());
    expect(stored).toEqual([]);
  });

  test("the upload's own type is checked too, and a ticket works once", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const url = new URL(
      await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.generateUploadUrl, {
        fileName: "returns.md",
      }),
    );
    url.searchParams.set("name", "payload.exe");
    const refused = await t.fetch(`${url.pathname}${url.search}`, {
      method: "POST",
      headers: { "content-type": "application/x-msdownload" },
      body: "MZ",
    });
    expect(refused.status).toBe(415);
    url.searchParams.set("name", "returns.md");
    const post = () =>
      t.fetch(`${url.pathname}${url.search}`, {
        method: "POST",
        headers: { "content-type": "text/markdown" },
        body: fixture("returns.md"),
      });
    expect((await post()).status).toBe(200);
    const again = await post();
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ code: "FORBIDDEN" });
    expect(await t.run(async (ctx) => ctx.db.system.query("_storage").collect())).toHaveLength(1);
  });

  test("operators cannot upload; a text over a source's limit fails with the reason", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      (
        await errorData(
          asOperator(t, "org_a").mutation(api.private.knowledgeBase.generateUploadUrl, {
            fileName: "returns.md",
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const long = new TextEncoder().encode(
      Array.from(
        { length: 160 },
        (_, i) => `Paragraph ${i}. ${"Tents keep you dry. ".repeat(40)}`,
      ).join("\n\n"),
    );
    const { body } = await upload(t, "org_a", "long.txt", long);
    const sourceId = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, {
      storageId: body.storageId!,
    });
    await t.finishAllScheduledFunctions(() => {});
    const source = await sourceOf(t, sourceId);
    expect(source).toMatchObject({ status: "failed", chunkCount: 0 });
    expect(source!.error).toMatch(/one source can hold 100,000\. Split it into smaller files\.$/);
  });
});

describe("upload ownership", () => {
  test("an admin of org B who submits org A's storage id is refused, and nothing is written", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const { body } = await upload(t, "org_a", "returns.md", fixture("returns.md"));
    const before = await snapshotTables(t);
    const error = await errorData(
      asAdmin(t, "org_b").mutation(api.private.knowledgeBase.addFile, {
        storageId: body.storageId!,
      }),
    );
    expect(error).toEqual({ code: "NOT_FOUND", message: "This upload does not exist." });
    const logo = await errorData(
      asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, {
        storageId: body.storageId!,
      }),
    );
    expect(logo.code).toBe("NOT_FOUND");
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("a storage id uploaded for another purpose, or not through a ticket, is refused", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { body } = await upload(t, "org_a", "returns.md", fixture("returns.md"));
    const stray = await t.run(async (ctx) =>
      ctx.storage.store(new Blob([fixture("returns.md")], { type: "text/markdown" })),
    );
    const logoUrl = new URL(
      await asAdmin(t, "org_a").mutation(api.private.widgetSettings.generateLogoUploadUrl, {}),
    );
    const logo = (await (
      await t.fetch(`${logoUrl.pathname}${logoUrl.search}`, {
        method: "POST",
        headers: { "content-type": "image/png" },
        body: new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
      })
    ).json()) as { storageId: Id<"_storage"> };
    const before = await snapshotTables(t);
    for (const attempt of [
      asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, {
        storageId: body.storageId!,
      }),
      asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, {
        storageId: logo.storageId,
      }),
      asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, { storageId: stray }),
      asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, { storageId: stray }),
    ]) {
      expect(await errorData(attempt)).toEqual({
        code: "NOT_FOUND",
        message: "This upload does not exist.",
      });
    }
    expect(await snapshotTables(t)).toEqual(before);
    // Each file is accepted for what it was uploaded for.
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, {
      storageId: logo.storageId,
    });
    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, {
      storageId: body.storageId!,
    });
  });
});

describe("re-index and delete", () => {
  test("re-indexing replaces the passages in one step; a superseded job writes nothing", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "returns.md");
    const first = await passagesOf(t, sourceId);
    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.reindex, { sourceId });
    expect(await sourceOf(t, sourceId)).toMatchObject({ status: "queued" });
    // Until the new passages are written, the old ones are what search finds.
    expect(await search(t, org._id, "refund payment method")).toEqual([
      expect.objectContaining({ chunkId: first[2]!._id }),
    ]);
    const stale = (await sourceOf(t, sourceId))!.attempt! - 1;
    await t.mutation(internal.system.knowledgeSources.store, {
      sourceId,
      attempt: stale,
      passages: [{ text: "Stale text from an overtaken job." }],
      crawled: false,
    });
    await t.finishAllScheduledFunctions(() => {});
    const second = await passagesOf(t, sourceId);
    expect(await sourceOf(t, sourceId)).toMatchObject({ status: "ready", chunkCount: 3 });
    expect(second.map((p) => p.text)).toEqual(first.map((p) => p.text));
    expect(second.map((p) => p._id)).not.toContain(first[0]!._id);
    const stats = await t.run(async (ctx) => ctx.db.query("knowledgeStats").collect());
    expect(stats).toEqual([expect.objectContaining({ passageCount: 3 })]);
  });

  test("deleting a file source leaves nothing behind: passages, file, upload record, usage", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await addFixture(t, "org_a", "warranty.pdf");
    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.remove, { sourceId });
    const left = await t.run(async (ctx) => ({
      sources: await ctx.db.query("knowledgeSources").collect(),
      chunks: await ctx.db.query("knowledgeChunks").collect(),
      uploads: await ctx.db.query("uploads").collect(),
      files: await ctx.db.system.query("_storage").collect(),
      stats: await ctx.db.query("knowledgeStats").collect(),
      usage: await ctx.db.query("usage").collect(),
    }));
    expect(left).toMatchObject({ sources: [], chunks: [], uploads: [], files: [] });
    expect(left.stats.map((row) => row.passageCount)).toEqual([0]);
    expect(left.usage.map((row) => row.knowledgeBaseCharacters)).toEqual([0]);
    expect(await search(t, org._id, "warranty claim")).toEqual([]);
  });
});

describe("another organization", () => {
  test("never sees, searches, re-indexes or deletes these sources", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const orgB = await createOrganization(t, "org_b");
    const sourceId = await addFixture(t, "org_a", "warranty.pdf");
    const { page } = await asAdmin(t, "org_b").query(api.private.knowledgeBase.list, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(page).toEqual([]);
    expect(await search(t, orgB._id, "warranty claim photograph")).toEqual([]);
    const before = await snapshotTables(t);
    for (const call of [
      asAdmin(t, "org_b").mutation(api.private.knowledgeBase.reindex, { sourceId }),
      asAdmin(t, "org_b").mutation(api.private.knowledgeBase.remove, { sourceId }),
    ]) {
      expect((await errorData(call)).code).toBe("NOT_FOUND");
    }
    expect(await snapshotTables(t)).toEqual(before);
  });
});

describe("importing web pages", () => {
  let server: Server;
  let base: string;
  let pages: Record<string, { type: string; body: string } | { redirect: string }>;

  const page = (title: string, heading: string, text: string) => ({
    type: "text/html; charset=utf-8",
    body: `<html><head><title>${title}</title></head><body><nav>Menu</nav><h1>${heading}</h1><p>${text}</p></body></html>`,
  });

  beforeEach(async () => {
    pages = {};
    server = createServer((request, response) => {
      const found = pages[request.url ?? ""];
      if (!found) return response.writeHead(404).end("not found");
      if ("redirect" in found) return response.writeHead(302, { location: found.redirect }).end();
      response.writeHead(200, { "content-type": found.type }).end(found.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Local mode: the local sign-in is configured (see lib/env.ts `isLocal`). */
  const localMode = () => {
    vi.stubEnv("PARLEY_LOCAL_AUTH_ISSUER", "http://127.0.0.1:3000/api/local-auth");
    vi.stubEnv("PARLEY_LOCAL_AUTH_JWKS_URL", "http://127.0.0.1:3000/api/local-auth/jwks");
  };

  async function addUrl(t: Test, url: string) {
    const sourceId = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addUrl, { url });
    await t.finishAllScheduledFunctions(() => {});
    return sourceId;
  }

  test("a page is imported with its title and sections; re-crawling picks up changes", async () => {
    localMode();
    const t = setup();
    const org = await createOrganization(t, "org_a");
    pages["/help/sizes"] = page(
      "Tent sizes | Trailhead",
      "Tent sizes",
      "The Ridge 2 sleeps two adults.",
    );
    const sourceId = await addUrl(t, `${base}/help/sizes`);
    const source = await sourceOf(t, sourceId);
    expect(source).toMatchObject({
      status: "ready",
      kind: "url",
      title: "Tent sizes | Trailhead",
      chunkCount: 1,
    });
    expect(source!.lastCrawledAt).toBeTypeOf("number");
    expect(await passagesOf(t, sourceId)).toEqual([
      expect.objectContaining({ text: "The Ridge 2 sleeps two adults.", section: "Tent sizes" }),
    ]);

    pages["/help/sizes"] = page(
      "Tent sizes | Trailhead",
      "Tent sizes",
      "The Ridge 3 sleeps three adults.",
    );
    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.reindex, { sourceId });
    await t.finishAllScheduledFunctions(() => {});
    expect((await passagesOf(t, sourceId)).map((p) => p.text)).toEqual([
      "The Ridge 3 sleeps three adults.",
    ]);
    expect((await sourceOf(t, sourceId))!.lastCrawledAt).toBeGreaterThanOrEqual(
      source!.lastCrawledAt!,
    );
    expect(await search(t, org._id, "how many people sleep in the ridge")).toHaveLength(1);
  });

  test("a sitemap becomes one source per page, capped by the plan", async () => {
    localMode();
    const t = setup();
    await createOrganization(t, "org_a");
    const urls = Array.from({ length: 23 }, (_, i) => `${base}/guides/${i}`);
    for (const [i, url] of urls.entries()) {
      pages[new URL(url).pathname] = page(
        `Guide ${i}`,
        `Guide ${i}`,
        `Knot number ${i} holds a tarp.`,
      );
    }
    pages["/sitemap.xml"] = {
      type: "application/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<url><loc>${u}</loc></url>`).join("")}</urlset>`,
    };
    const sitemapId = await addUrl(t, `${base}/sitemap.xml`);
    expect(await sourceOf(t, sitemapId)).toMatchObject({
      kind: "sitemap",
      status: "ready",
      chunkCount: 0,
      progress: { done: 20, total: 23 },
    });
    const children = await t.run(async (ctx) =>
      ctx.db
        .query("knowledgeSources")
        .withIndex("by_parent_id", (q) => q.eq("parentId", sitemapId))
        .collect(),
    );
    expect(children).toHaveLength(20);
    expect(children.every((child) => child.status === "ready" && child.chunkCount === 1)).toBe(
      true,
    );
    expect(children.map((child) => child.title).sort()).toContain("Guide 19");

    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.remove, { sourceId: sitemapId });
    const left = await t.run(async (ctx) => ({
      sources: await ctx.db.query("knowledgeSources").collect(),
      chunks: await ctx.db.query("knowledgeChunks").collect(),
    }));
    expect(left).toEqual({ sources: [], chunks: [] });
  });

  test("in production a loopback or private address is refused, also behind a redirect", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    pages["/help"] = page("Help", "Help", "Secret internal page.");
    for (const url of [
      `${base}/help`,
      "http://localhost/help",
      "http://[::1]/",
      "http://169.254.169.254/latest/meta-data/",
    ]) {
      const sourceId = await addUrl(t, url);
      const source = await sourceOf(t, sourceId);
      expect(source).toMatchObject({ status: "failed", chunkCount: 0 });
      expect(source!.error).toMatch(
        /is a private or local address\. Only public web pages can be imported\.$/,
      );
    }
    expect(await t.run(async (ctx) => ctx.db.query("knowledgeChunks").collect())).toEqual([]);

    // Local mode allows loopback, and nothing else that is not public.
    localMode();
    pages["/moved"] = { redirect: "http://10.0.0.8/admin" };
    const redirected = await sourceOf(t, await addUrl(t, `${base}/moved`));
    expect(redirected).toMatchObject({ status: "failed" });
    expect(redirected!.error).toBe(
      "10.0.0.8 is a private or local address. Only public web pages can be imported.",
    );
  });

  test("a page that is missing fails with the site's answer; bad addresses are refused at once", async () => {
    localMode();
    const t = setup();
    await createOrganization(t, "org_a");
    const missing = await sourceOf(t, await addUrl(t, `${base}/nowhere`));
    expect(missing).toMatchObject({ status: "failed" });
    expect(missing!.error).toBe(`The site answered 404 for ${base}/nowhere.`);
    for (const url of ["ftp://example.com/file", "not a url"]) {
      expect(
        (await errorData(asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addUrl, { url })))
          .code,
      ).toBe("INVALID_INPUT");
    }
  });
});
