import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { api, internal } from "../_generated/api";

const page = { paginationOpts: { numItems: 50, cursor: null } };

describe("private/knowledgeBase", () => {
  test("an admin adds an article: it is split into passages and searchable at once", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const long = Array.from({ length: 6 }, (_, i) =>
      `Paragraph ${i} about returns. `.repeat(12),
    ).join("\n\n");
    const sourceId = await admin.mutation(api.private.knowledgeBase.addText, {
      title: " Returns ",
      text: long,
      url: "https://acme.test/returns",
    });
    const [source] = (await asOperator(t, "org_a").query(api.private.knowledgeBase.list, page))
      .page;
    expect(source).toMatchObject({
      _id: sourceId,
      title: "Returns",
      status: "ready",
      url: "https://acme.test/returns",
    });
    expect(source!.chunkCount).toBeGreaterThan(1);

    const hits = await t.query(internal.system.knowledgeBase.search, {
      organizationId: org._id,
      query: "returns",
      limit: 3,
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]).toMatchObject({ sourceId, title: "Returns" });
  });

  test("removing an article removes its passages", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const sourceId = await admin.mutation(api.private.knowledgeBase.addText, {
      title: "FAQ",
      text: "Opening hours are 9 to 5.",
    });
    await admin.mutation(api.private.knowledgeBase.remove, { sourceId });
    expect((await admin.query(api.private.knowledgeBase.list, page)).page).toEqual([]);
    expect(
      await t.query(internal.system.knowledgeBase.search, {
        organizationId: org._id,
        query: "opening",
        limit: 3,
      }),
    ).toEqual([]);
    expect(await t.run(async (ctx) => ctx.db.query("knowledgeChunks").collect())).toEqual([]);
  });

  test("operators read the knowledge base but cannot change it", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asOperator(t, "org_a").mutation(api.private.knowledgeBase.addText, {
          title: "x",
          text: "y",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test.each([
    [{ title: " ", text: "Body" }, "Give the article a title."],
    [{ title: "Empty", text: " \n\n " }, "The article has no text."],
    [
      { title: "Link", text: "Body", url: "javascript:alert(1)" },
      "The link must start with http:// or https://.",
    ],
  ])("rejects %j", async (args, message) => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, args)),
    ).toEqual({
      code: "INVALID_INPUT",
      message,
    });
  });
});

describe("system/knowledgeBase.search", () => {
  test("ranks the passage that covers the question first, whatever the engine's order", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Warranty",
      text: "All Acme tents and backpacks carry a 5-year warranty.",
    });
    await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Ridge tent sizes",
      text: "The Ridge 2P tent sleeps two people. Its floor measures 215 by 130 cm.",
    });
    const hits = await t.query(internal.system.knowledgeBase.search, {
      organizationId: org._id,
      query: "floor size ridge 2p tent",
      limit: 3,
    });
    expect(hits.map((h) => h.title)).toEqual(["Ridge tent sizes", "Warranty"]);
  });
});

describe("knowledge-base statistics", () => {
  test("the passage count and length follow sources as they are added and removed", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const stats = () =>
      t.run(async (ctx) =>
        ctx.db
          .query("knowledgeStats")
          .withIndex("by_organization_id", (q) => q.eq("organizationId", org._id))
          .unique(),
      );
    const admin = asAdmin(t, "org_a");
    const first = await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Shipping",
      text: "## Times\n\nOrders ship in two days.\n\n" + "Long paragraph. ".repeat(80),
    });
    const afterFirst = (await stats())!;
    expect(afterFirst.passageCount).toBeGreaterThan(1);
    expect(afterFirst.stemCount).toBeGreaterThan(100);
    await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Returns",
      text: "Return within 30 days.",
    });
    expect(await stats()).toMatchObject({
      passageCount: afterFirst.passageCount + 1,
      stemCount: afterFirst.stemCount! + 4,
    });
    // Passages remember their section.
    const chunks = await t.run(async (ctx) =>
      ctx.db
        .query("knowledgeChunks")
        .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", first))
        .collect(),
    );
    expect(chunks.map((chunk) => chunk.section)).toEqual(chunks.map(() => "Times"));
    await admin.mutation(api.private.knowledgeBase.remove, { sourceId: first });
    expect(await stats()).toMatchObject({ passageCount: 1, stemCount: 4 });
  });
});
