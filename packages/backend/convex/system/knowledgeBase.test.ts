/**
 * Semantic retrieval over real HTTP: sources are embedded through the AI
 * SDK against the loopback OpenAI-compatible server's /v1/embeddings, and
 * searches run Convex vector search (convex-test's) merged with full-text
 * search. The server's toy model knows "refund" and "money back" are one
 * concept, which full-text search cannot know.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { startOpenAiServer, toyEmbedding } from "../../test/openaiServer";
import { asAdmin, createOrganization, setup, type Test } from "../../test/setup";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";
import { EMBEDDING_DIMENSIONS } from "../lib/knowledge";
import { searchKnowledgeBase } from "../lib/retrieval";

let openai: Awaited<ReturnType<typeof startOpenAiServer>>;

const MODEL = "parley-test-embedding";
const KEY = `${MODEL}/${EMBEDDING_DIMENSIONS}`;

function configure({ key = true } = {}) {
  vi.stubEnv("OPENAI_API_KEY", key ? "sk-test-loopback" : "");
  vi.stubEnv("OPENAI_BASE_URL", openai.baseURL);
  vi.stubEnv("OPENAI_EMBEDDING_MODEL", MODEL);
}

beforeEach(async () => {
  openai = await startOpenAiServer();
  openai.embeddings.concepts = {
    refund: ["refund", "refunds", "money back", "pay you back", "reimburse"],
  };
  configure();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await openai.close();
});

/** Add an article as the organization's admin and let its embedding (if any) finish. */
async function addArticle(t: Test, orgId: string, title: string, text: string) {
  const sourceId = await asAdmin(t, orgId).mutation(api.private.knowledgeBase.addText, {
    title,
    text,
  });
  await t.finishAllScheduledFunctions(() => {});
  return sourceId;
}

/** What the agent's search tool returns, run as it runs: inside an action. */
async function find(t: Test, organizationId: Id<"organizations">, query: string) {
  const hits = await t.action(async (ctx) =>
    searchKnowledgeBase(ctx as unknown as ActionCtx, { organizationId, query, limit: 3 }),
  );
  return hits.map((hit) => hit.title);
}

/** Full-text search alone, as the local responder uses it. */
async function findByKeyword(t: Test, organizationId: Id<"organizations">, query: string) {
  const hits = await t.query(internal.system.knowledgeBase.search, {
    organizationId,
    query,
    limit: 3,
  });
  return hits.map((hit) => hit.title);
}

const source = (t: Test, sourceId: Id<"knowledgeSources">) =>
  t.run(async (ctx) => ctx.db.get("knowledgeSources", sourceId));
const chunksOf = (t: Test, sourceId: Id<"knowledgeSources">) =>
  t.run(async (ctx) =>
    ctx.db
      .query("knowledgeChunks")
      .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", sourceId))
      .collect(),
  );

// "Pay you back" is not in the lexical model's synonyms (lib/relevance.ts), so only the
// toy embedding model knows it means "refund".
const RETURNS = "Not happy with your tent? We pay you back within 30 days of delivery.";
const SHIPPING = "Orders ship within two working days from our warehouse.";

describe("embedding knowledge sources", () => {
  test("a new source is embedding until its passages are embedded, in batches, then ready", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const paragraph = (i: number) =>
      `Section ${i}. ${"Our tents are tested in wind, rain and snow before they ship. ".repeat(11)}`;
    const text = Array.from({ length: 140 }, (_, i) => paragraph(i)).join("\n\n");
    expect(text.length).toBeGreaterThan(95_000);
    const sourceId = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, {
      title: "Field testing",
      text,
    });
    const queued = await source(t, sourceId);
    expect(queued).toMatchObject({ status: "embedding", progress: { done: 0 } });
    expect(queued?.progress?.total).toBeGreaterThan(0);
    await t.finishAllScheduledFunctions(() => {});

    const chunks = await chunksOf(t, sourceId);
    expect(chunks.length).toBeGreaterThan(100);
    expect(await source(t, sourceId)).toMatchObject({ status: "ready", embeddedWith: KEY });
    for (const chunk of chunks) expect(chunk.embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    const [listed] = (
      await asAdmin(t, "org_a").query(api.private.knowledgeBase.list, {
        paginationOpts: { numItems: 10, cursor: null },
      })
    ).page;
    expect(listed).toMatchObject({ _id: sourceId, status: "ready" });
    expect(listed).not.toHaveProperty("embeddedWith");

    // What went over the wire: batches of at most 64 passages, each asked for 1536 dimensions.
    const requests = openai.embeddings.requests;
    expect(requests).toHaveLength(Math.ceil(chunks.length / 64));
    for (const request of requests) {
      expect(request.authorization).toBe("Bearer sk-test-loopback");
      expect(request.body).toMatchObject({
        model: MODEL,
        dimensions: EMBEDDING_DIMENSIONS,
        encoding_format: "float",
      });
      expect((request.body.input as string[]).length).toBeLessThanOrEqual(64);
    }
    const inputs = requests.flatMap((request) => request.body.input as string[]);
    expect(inputs).toEqual(chunks.map((chunk) => `Field testing\n\n${chunk.text}`));
  }, 30_000); // 140 passages written and embedded: seconds on a busy machine.

  test("a failed embedding marks the source failed with the reason; full-text search still finds it", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    openai.embeddings.failure = {
      status: 401,
      message: "Incorrect API key provided: sk-te***ack.",
    };
    const sourceId = await addArticle(t, "org_a", "Returns policy", RETURNS);

    const failed = await source(t, sourceId);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.embeddedWith).toBeUndefined();
    expect(failed!.error).toBe(
      "Semantic search is unavailable for this source. The embeddings endpoint failed: " +
        "Incorrect API key provided: sk-te***ack. Its passages are still found by keyword search.",
    );
    expect((await chunksOf(t, sourceId))[0]!.embedding).toBeUndefined();

    // The question's embedding fails too; the answer comes from full-text search.
    expect(await find(t, org._id, "pay you back")).toEqual(["Returns policy"]);
  });

  test("a model that ignores `dimensions` fails with a message saying what to change", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    openai.embeddings.forceDimensions = 768;
    const sourceId = await addArticle(t, "org_a", "Returns policy", RETURNS);
    const failed = await source(t, sourceId);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed!.error).toContain(
      `The embedding model "${MODEL}" returned vectors of 768 dimensions; Parley's index needs 1536.`,
    );
    expect((await chunksOf(t, sourceId))[0]!.embedding).toBeUndefined();
  });

  test.each([
    ["without an API key", { OPENAI_API_KEY: "" }],
    ["with OPENAI_EMBEDDING_MODEL=off", { OPENAI_EMBEDDING_MODEL: "off" }],
  ])("%s nothing is embedded and search is full-text, as before", async (_, overrides) => {
    for (const [name, value] of Object.entries(overrides)) vi.stubEnv(name, value);
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, {
      title: "Returns policy",
      text: RETURNS,
    });
    expect(await source(t, sourceId)).toMatchObject({ status: "ready" });
    expect(
      await t.run(async (ctx) => ctx.db.system.query("_scheduled_functions").collect()),
    ).toEqual([]);

    expect(await find(t, org._id, "pay you back")).toEqual(["Returns policy"]);
    expect(await find(t, org._id, "refund")).toEqual([]);
    await t.action(internal.system.embeddings.backfill, {});
    await t.finishAllScheduledFunctions(() => {});
    expect(openai.embeddings.requests).toEqual([]);
    expect((await chunksOf(t, sourceId))[0]!.embedding).toBeUndefined();
    expect((await source(t, sourceId))!.embeddedWith).toBeUndefined();
  });
});

describe("full-text search", () => {
  test("a long question is cut to 16 chosen terms, not to its first 16 words", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    configure({ key: false });
    await addArticle(t, "org_a", "Returns policy", RETURNS);
    await addArticle(t, "org_a", "Shipping", SHIPPING);
    // 18 words that match nothing, then the one that matters.
    const filler =
      "hey um ok yes well then just like okay sure hmm fine good nice cool wow yeah right";
    // Convex (and the patched convex-test) reads only the first 16 terms of a search…
    const raw = await t.run(async (ctx) =>
      ctx.db
        .query("knowledgeChunks")
        .withSearchIndex("search_text", (q) =>
          q.search("text", `${filler} delivery`).eq("organizationId", org._id),
        )
        .take(10),
    );
    expect(raw).toEqual([]);
    // …so the search sends the distinctive ones ("delivery" and "ship" are one term).
    expect(await findByKeyword(t, org._id, `${filler} delivery`)).toContain("Returns policy");
  });
});

describe("hybrid search", () => {
  test("finds a passage by meaning that full-text search cannot find", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await addArticle(t, "org_a", "Shipping", SHIPPING);
    await addArticle(t, "org_a", "Returns policy", RETURNS);

    expect(await findByKeyword(t, org._id, "refund")).toEqual([]);
    expect((await find(t, org._id, "refund"))[0]).toBe("Returns policy");
    // The question went through the same endpoint, as one input.
    expect(openai.embeddings.requests.at(-1)!.body).toMatchObject({
      model: MODEL,
      input: ["refund"],
      dimensions: EMBEDDING_DIMENSIONS,
    });
  });

  test("never returns another organization's passages, however close they are", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const orgB = await createOrganization(t, "org_b");
    // Organization A has more passages about refunds than one search returns, all closer
    // to the question than B's, so only the vector index's filter keeps them out.
    const refundsA = Array.from(
      { length: 24 },
      (_, i) => `Refund ${i}: money back, refunds. ${"Refund money back. ".repeat(30)}`,
    ).join("\n\n");
    const sourceA = await addArticle(t, "org_a", "Refunds (A)", refundsA);
    await addArticle(t, "org_b", "Returns (B)", RETURNS);
    const chunksA = (await chunksOf(t, sourceA)).map((chunk) => chunk._id);
    expect(chunksA.length).toBeGreaterThan(16);

    // Unfiltered, organization A's passages are the nearest ones to the question…
    const question = toyEmbedding("refund", EMBEDDING_DIMENSIONS, openai.embeddings.concepts);
    const nearestOverall = await t.action(async (ctx) =>
      ctx.vectorSearch("knowledgeChunks", "by_embedding", { vector: question, limit: 16 }),
    );
    for (const result of nearestOverall) expect(chunksA).toContain(result._id);

    // …yet organization B's search only ever sees B's.
    expect(await find(t, orgB._id, "refund")).toEqual(["Returns (B)"]);
    // And the second lock: A's passages handed to B's lookup are dropped.
    const { hits } = await t.query(internal.system.knowledgeBase.vectorHits, {
      organizationId: orgB._id,
      chunkIds: chunksA,
      embeddedWith: KEY,
      now: Date.now(),
    });
    expect(hits).toEqual([]);
  });

  test("removing a source removes its vectors from the results", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const returns = await addArticle(t, "org_a", "Returns policy", RETURNS);
    await addArticle(t, "org_a", "Shipping", SHIPPING);
    const removedChunks = (await chunksOf(t, returns)).map((chunk) => chunk._id);
    expect((await find(t, org._id, "refund"))[0]).toBe("Returns policy");

    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.remove, { sourceId: returns });
    expect(await find(t, org._id, "refund")).not.toContain("Returns policy");
    const nearest = await t.action(async (ctx) =>
      ctx.vectorSearch("knowledgeChunks", "by_embedding", {
        vector: new Array<number>(EMBEDDING_DIMENSIONS).fill(1),
        limit: 256,
        filter: (q) => q.eq("organizationId", org._id),
      }),
    );
    expect(nearest.length).toBeGreaterThan(0);
    for (const result of nearest) expect(removedChunks).not.toContain(result._id);
  });

  test("answers from full-text search when embedding the question fails", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await addArticle(t, "org_a", "Returns policy", RETURNS);
    expect(await find(t, org._id, "refund")).toEqual(["Returns policy"]);

    openai.embeddings.failure = { status: 500, message: "The server had an error." };
    expect(await find(t, org._id, "pay you back")).toEqual(["Returns policy"]);
    expect(await find(t, org._id, "refund")).toEqual([]);
  });
});

describe("backfilling embeddings", () => {
  test("sources added before a key was set are embedded once a search finds the index incomplete", async () => {
    configure({ key: false });
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const sourceId = await addArticle(t, "org_a", "Returns policy", RETURNS);
    expect(await source(t, sourceId)).toMatchObject({ status: "ready" });

    configure({ key: true });
    // The first search cannot find it by meaning yet, and queues the backfill.
    expect(await find(t, org._id, "refund")).toEqual([]);
    await t.finishAllScheduledFunctions(() => {});
    expect(await source(t, sourceId)).toMatchObject({ status: "ready", embeddedWith: KEY });
    expect(await find(t, org._id, "refund")).toEqual(["Returns policy"]);
  });

  test("the sweep embeds every organization's missing vectors, and redoes them for a new model", async () => {
    configure({ key: false });
    const t = setup();
    const orgA = await createOrganization(t, "org_a");
    const orgB = await createOrganization(t, "org_b");
    const a = await addArticle(t, "org_a", "Returns policy", RETURNS);
    const b = await addArticle(t, "org_b", "Refund rules", "You can ask us to pay you back.");

    configure({ key: true });
    await t.action(internal.system.embeddings.backfill, {});
    expect(await source(t, a)).toMatchObject({ embeddedWith: KEY });
    expect(await source(t, b)).toMatchObject({ embeddedWith: KEY });
    expect(await find(t, orgA._id, "refund")).toEqual(["Returns policy"]);

    // Another model's vectors are not comparable: they stop counting, and are redone.
    vi.stubEnv("OPENAI_EMBEDDING_MODEL", "parley-test-embedding-2");
    expect(await find(t, orgB._id, "refund")).toEqual([]);
    await t.finishAllScheduledFunctions(() => {});
    expect(await source(t, b)).toMatchObject({
      status: "ready",
      embeddedWith: `parley-test-embedding-2/${EMBEDDING_DIMENSIONS}`,
    });
    expect(await find(t, orgB._id, "refund")).toEqual(["Refund rules"]);
    // The search queued organization B's backfill only.
    expect(await source(t, a)).toMatchObject({ embeddedWith: KEY });
  });

  test("a failed source is retried a day later, not on every search", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    openai.embeddings.failure = { status: 401, message: "Incorrect API key provided." };
    const sourceId = await addArticle(t, "org_a", "Returns policy", RETURNS);
    openai.embeddings.failure = null;

    await find(t, org._id, "refund");
    await t.action(internal.system.embeddings.backfill, {});
    await t.finishAllScheduledFunctions(() => {});
    expect(await source(t, sourceId)).toMatchObject({ status: "failed" });

    await t.run(async (ctx) =>
      ctx.db.patch("knowledgeSources", sourceId, { updatedAt: Date.now() - 25 * 60 * 60 * 1000 }),
    );
    await t.action(internal.system.embeddings.backfill, {});
    expect(await source(t, sourceId)).toMatchObject({ status: "ready", embeddedWith: KEY });
    expect((await source(t, sourceId))!.error).toBeUndefined();
  });
});
