import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  type Test,
} from "../../test/setup";
import { api, internal } from "../_generated/api";

const page = (numItems = 50, cursor: string | null = null) => ({
  paginationOpts: { numItems, cursor },
});

async function conversation(t: Test, orgId: string) {
  const sessionToken = await createVisitor(t, orgId);
  return await t.mutation(api.public.conversations.create, { sessionToken });
}

describe("private/knowledgeGaps", () => {
  test("lists unanswered questions newest first, counting rephrasings of the same question", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const conversationId = await conversation(t, "org_a");
    for (const question of [
      "Do you sell kayaks?",
      "Can I pay with Bitcoin?",
      "do you SELL kayaks",
      "Kayaks: do you sell them?",
    ]) {
      await t.mutation(internal.system.knowledgeGaps.record, { conversationId, question });
    }
    // Nothing to record for an empty question.
    await t.mutation(internal.system.knowledgeGaps.record, { conversationId, question: "   " });

    const first = await asAdmin(t, "org_a").query(api.private.knowledgeGaps.list, page(2));
    expect(first.page).toMatchObject([
      { question: "Kayaks: do you sell them?", count: 3, conversationId },
      { question: "do you SELL kayaks", count: 3 },
    ]);
    expect(first.page[0]).not.toHaveProperty("organizationId");
    const second = await asAdmin(t, "org_a").query(
      api.private.knowledgeGaps.list,
      page(2, first.continueCursor),
    );
    expect(second.page.map((gap) => [gap.question, gap.count])).toEqual([
      ["Can I pay with Bitcoin?", 1],
      ["Do you sell kayaks?", 3],
    ]);
  });

  test("is for admins: an operator is refused", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(asOperator(t, "org_a").query(api.private.knowledgeGaps.list, page())),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  test("another organization is refused: it sees none of A's gaps", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const conversationId = await conversation(t, "org_a");
    await t.mutation(internal.system.knowledgeGaps.record, {
      conversationId,
      question: "A's question",
    });
    expect((await asAdmin(t, "org_b").query(api.private.knowledgeGaps.list, page())).page).toEqual(
      [],
    );
  });

  test("groups open gaps by similar wording, most asked first, with counts and conversations", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const first = await conversation(t, "org_a");
    const second = await conversation(t, "org_a");
    const record = (conversationId: typeof first, question: string) =>
      t.mutation(internal.system.knowledgeGaps.record, { conversationId, question });
    await record(first, "Do you sell kayaks?");
    await record(second, "Can I pay with Bitcoin?");
    await record(second, "kayaks?");
    await record(first, "Do you take bitcoin?");
    await record(first, "Can I pay by card?");
    await record(second, "Are kayaks for sale?");

    const { groups, truncated } = await asAdmin(t, "org_a").query(
      api.private.knowledgeGaps.groups,
      {},
    );
    expect(truncated).toBe(false);
    expect(groups.map((g) => [g.question, g.count, g.variants])).toEqual([
      ["Are kayaks for sale?", 3, ["kayaks?", "Do you sell kayaks?"]],
      ["Do you take bitcoin?", 2, ["Can I pay with Bitcoin?"]],
      ["Can I pay by card?", 1, []],
    ]);
    expect(groups[0]!.conversationIds).toEqual([second, first]);
    expect(groups[0]!.gapIds).toHaveLength(3);
  });

  test("dismissing or resolving a group takes it, and its repeats, off the list", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const conversationId = await conversation(t, "org_a");
    for (const question of ["Do you sell kayaks?", "do you sell kayaks", "Bitcoin?"]) {
      await t.mutation(internal.system.knowledgeGaps.record, { conversationId, question });
    }
    const groups = async () =>
      (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.groups, {})).groups;
    const [kayaks, bitcoin] = await groups();
    // Only one of the two kayak gaps is named: its repeat goes too.
    await asAdmin(t, "org_a").mutation(api.private.knowledgeGaps.resolve, {
      gapIds: kayaks!.gapIds.slice(0, 1),
      resolution: "resolved",
    });
    expect((await groups()).map((g) => g.question)).toEqual(["Bitcoin?"]);
    await asAdmin(t, "org_a").mutation(api.private.knowledgeGaps.resolve, {
      gapIds: bitcoin!.gapIds,
      resolution: "dismissed",
    });
    expect(await groups()).toEqual([]);
    // The history stays: the paginated list still has every question.
    expect(
      (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.list, page())).page,
    ).toHaveLength(3);
    expect(
      await errorData(
        asAdmin(t, "org_a").mutation(api.private.knowledgeGaps.resolve, {
          gapIds: [],
          resolution: "dismissed",
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
  });

  test("grouping and resolving are for admins; another organization cannot resolve A's gaps", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const conversationId = await conversation(t, "org_a");
    await t.mutation(internal.system.knowledgeGaps.record, { conversationId, question: "Kayaks?" });
    expect(
      await errorData(asOperator(t, "org_a").query(api.private.knowledgeGaps.groups, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
    const [group] = (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.groups, {})).groups;
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.knowledgeGaps.resolve, {
          gapIds: group!.gapIds,
          resolution: "dismissed",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.groups, {})).groups,
    ).toHaveLength(1);
  });
});
