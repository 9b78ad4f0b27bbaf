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
});
