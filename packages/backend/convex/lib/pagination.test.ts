import { describe, expect, test } from "vitest";

import { asOperator, createOrganization, createVisitor, errorData, setup } from "../../test/setup";
import { api } from "../_generated/api";
import { boundedPage, MAX_PAGE_SIZE } from "./pagination";

describe("lib/pagination", () => {
  test("boundedPage clamps large pages and refuses sizes that are not positive whole numbers", () => {
    expect(boundedPage({ numItems: 10, cursor: null })).toEqual({ numItems: 10, cursor: null });
    expect(boundedPage({ numItems: 1e9, cursor: "c", endCursor: "e" })).toEqual({
      numItems: MAX_PAGE_SIZE,
      cursor: "c",
      endCursor: "e",
    });
    for (const numItems of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => boundedPage({ numItems, cursor: null })).toThrow(/page size/);
    }
  });

  test("a client asking for a huge page gets at most MAX_PAGE_SIZE items, and a cursor for the rest", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
    await t.run(async (ctx) => {
      const conversation = (await ctx.db.get("conversations", conversationId))!;
      for (let i = 0; i < MAX_PAGE_SIZE + 30; i++) {
        await ctx.db.insert("messages", {
          organizationId: conversation.organizationId,
          conversationId,
          role: "visitor",
          body: `message ${i}`,
          status: "complete",
        });
      }
    });
    const huge = { numItems: 100_000, cursor: null };

    const visitorPage = await t.query(api.public.messages.list, {
      sessionToken,
      conversationId,
      paginationOpts: huge,
    });
    expect(visitorPage.page).toHaveLength(MAX_PAGE_SIZE);
    expect(visitorPage.isDone).toBe(false);
    const rest = await t.query(api.public.messages.list, {
      sessionToken,
      conversationId,
      paginationOpts: { ...huge, cursor: visitorPage.continueCursor },
    });
    // 130 visitor messages and the greeting.
    expect(rest.page).toHaveLength(31);

    const operatorPage = await asOperator(t, "org_a").query(api.private.messages.list, {
      conversationId,
      paginationOpts: huge,
    });
    expect(operatorPage.page).toHaveLength(MAX_PAGE_SIZE);

    expect(
      await errorData(
        t.query(api.public.conversations.list, {
          sessionToken,
          paginationOpts: { numItems: 0, cursor: null },
        }),
      ),
    ).toEqual({
      code: "INVALID_INPUT",
      message: "The page size must be a whole number of at least 1.",
    });
  });
});
