import { describe, expect, test } from "vitest";

import { asOperator, createOrganization, createVisitor, errorData, setup } from "../../test/setup";
import { api } from "../_generated/api";

describe("private/conversations", () => {
  test("operators page through the organization's conversations with the visitor's details", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const ada = await createVisitor(t, "org_a", "Ada");
    const bob = await createVisitor(t, "org_a", "Bob");
    const first = await t.mutation(api.public.conversations.create, { sessionToken: ada });
    const second = await t.mutation(api.public.conversations.create, { sessionToken: bob });
    const operator = asOperator(t, "org_a");

    const page1 = await operator.query(api.private.conversations.list, {
      paginationOpts: { numItems: 1, cursor: null },
    });
    expect(page1.page).toMatchObject([
      { _id: second, status: "unresolved", contact: { name: "Bob", email: "bob@visitor.test" } },
    ]);
    const page2 = await operator.query(api.private.conversations.list, {
      paginationOpts: { numItems: 1, cursor: page1.continueCursor },
    });
    expect(page2.page).toMatchObject([
      { _id: first, contact: { name: "Ada", metadata: { userAgent: "vitest" } } },
    ]);

    expect(
      await operator.query(api.private.conversations.get, { conversationId: first }),
    ).toMatchObject({
      _id: first,
      contact: { name: "Ada" },
    });
  });

  test("filters by status", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const ada = await createVisitor(t, "org_a", "Ada");
    const open = await t.mutation(api.public.conversations.create, { sessionToken: ada });
    const escalated = await t.mutation(api.public.conversations.create, { sessionToken: ada });
    await t.run(async (ctx) => ctx.db.patch("conversations", escalated, { status: "escalated" }));

    const list = (status?: "unresolved" | "escalated" | "resolved") =>
      asOperator(t, "org_a")
        .query(api.private.conversations.list, {
          paginationOpts: { numItems: 10, cursor: null },
          status,
        })
        .then((r) => r.page.map((c) => c._id));
    expect(await list("escalated")).toEqual([escalated]);
    expect(await list("unresolved")).toEqual([open]);
    expect(await list("resolved")).toEqual([]);
    expect(await list()).toEqual([escalated, open]);
  });

  test("signed-out callers get nothing", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(
        t.query(api.private.conversations.list, { paginationOpts: { numItems: 10, cursor: null } }),
      ),
    ).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
