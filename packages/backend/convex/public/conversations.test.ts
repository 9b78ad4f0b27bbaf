import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { api } from "../_generated/api";

const firstPage = { paginationOpts: { numItems: 10, cursor: null } };

describe("public/conversations", () => {
  test("create opens a chat with the organization's greeting", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
      greeting: "Bonjour !",
    });
    const sessionToken = await createVisitor(t, "org_a");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });

    expect(
      await t.query(api.public.conversations.get, { sessionToken, conversationId }),
    ).toMatchObject({
      _id: conversationId,
      status: "unresolved",
      channel: "chat",
      lastMessagePreview: "Bonjour !",
    });
    const messages = await t.run(async (ctx) =>
      ctx.db
        .query("messages")
        .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
        .collect(),
    );
    expect(messages).toMatchObject([{ role: "ai", body: "Bonjour !", status: "complete" }]);
  });

  test("a visitor lists only their own conversations, newest activity first, page by page", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const ada = await createVisitor(t, "org_a", "Ada");
    const bob = await createVisitor(t, "org_a", "Bob");
    const adaConversations = [];
    for (let i = 0; i < 3; i++) {
      adaConversations.push(
        await t.mutation(api.public.conversations.create, { sessionToken: ada }),
      );
    }
    await t.mutation(api.public.conversations.create, { sessionToken: bob });

    const page1 = await t.query(api.public.conversations.list, {
      sessionToken: ada,
      paginationOpts: { numItems: 2, cursor: null },
    });
    expect(page1.page.map((c) => c._id)).toEqual([adaConversations[2], adaConversations[1]]);
    expect(page1.isDone).toBe(false);
    const page2 = await t.query(api.public.conversations.list, {
      sessionToken: ada,
      paginationOpts: { numItems: 2, cursor: page1.continueCursor },
    });
    expect(page2.page.map((c) => c._id)).toEqual([adaConversations[0]]);
    expect(page2.isDone).toBe(true);

    const bobs = await t.query(api.public.conversations.list, { sessionToken: bob, ...firstPage });
    expect(bobs.page).toHaveLength(1);
    expect(adaConversations).not.toContain(bobs.page[0]!._id);
  });

  test("another visitor's conversation is not found, even with its id", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const ada = await createVisitor(t, "org_a", "Ada");
    const mallory = await createVisitor(t, "org_a", "Mallory");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken: ada });
    expect(
      await errorData(
        t.query(api.public.conversations.get, { sessionToken: mallory, conversationId }),
      ),
    ).toEqual({ code: "NOT_FOUND", message: "This conversation does not exist." });
  });

  test("without a valid session nothing is listed or created", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    for (const call of [
      t.query(api.public.conversations.list, { sessionToken: "forged", ...firstPage }),
      t.mutation(api.public.conversations.create, { sessionToken: "forged" }),
    ]) {
      expect(await errorData(call)).toMatchObject({ code: "INVALID_SESSION" });
    }
    expect(await t.run(async (ctx) => ctx.db.query("conversations").collect())).toEqual([]);
  });

  test("conversation creation is rate-limited per session", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const ada = await createVisitor(t, "org_a", "Ada");
    const bob = await createVisitor(t, "org_a", "Bob");
    for (let i = 0; i < 5; i++)
      await t.mutation(api.public.conversations.create, { sessionToken: ada });
    expect(
      await errorData(t.mutation(api.public.conversations.create, { sessionToken: ada })),
    ).toMatchObject({
      code: "RATE_LIMITED",
    });
    await expect(
      t.mutation(api.public.conversations.create, { sessionToken: bob }),
    ).resolves.toBeTruthy();
  });
});

describe("public/conversations.rate", () => {
  /** A visitor with one conversation the team has resolved. */
  async function endedConversation() {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Ada");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
    await asOperator(t, "org_a").mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "resolved",
    });
    return { t, sessionToken, conversationId };
  }

  test("the visitor rates their ended conversation; rating again replaces the rating", async () => {
    const { t, sessionToken, conversationId } = await endedConversation();
    const rated = await t.mutation(api.public.conversations.rate, {
      sessionToken,
      conversationId,
      rating: 4,
      comment: "  Quick and helpful.  ",
    });
    expect(rated).toMatchObject({
      status: "resolved",
      csat: { rating: 4, comment: "Quick and helpful." },
    });

    const again = await t.mutation(api.public.conversations.rate, {
      sessionToken,
      conversationId,
      rating: 2,
    });
    expect(again.csat).toEqual({ rating: 2 });
    expect(
      await t.query(api.public.conversations.get, { sessionToken, conversationId }),
    ).toMatchObject({
      csat: { rating: 2 },
    });
    const stored = await t.run(async (ctx) => ctx.db.get("conversations", conversationId));
    expect(stored?.csat).toEqual({ rating: 2 });
    const audit = await t.run(async (ctx) => ctx.db.query("auditLogs").collect());
    expect(audit.filter((entry) => entry.action === "conversation.rated")).toMatchObject([
      { actor: { type: "visitor" }, targetId: conversationId, details: { rating: "4" } },
      { actor: { type: "visitor" }, targetId: conversationId, details: { rating: "2" } },
    ]);
  });

  test("only whole ratings from 1 to 5 are accepted, and nothing is written otherwise", async () => {
    const { t, sessionToken, conversationId } = await endedConversation();
    const before = await snapshotTables(t);
    for (const rating of [0, 6, 3.5, -1, Number.NaN]) {
      expect(
        await errorData(
          t.mutation(api.public.conversations.rate, { sessionToken, conversationId, rating }),
        ),
      ).toEqual({ code: "INVALID_INPUT", message: "Please choose a rating from 1 to 5." });
    }
    expect(
      await errorData(
        t.mutation(api.public.conversations.rate, {
          sessionToken,
          conversationId,
          rating: 5,
          comment: "x".repeat(1001),
        }),
      ),
    ).toEqual({
      code: "INVALID_INPUT",
      message: "comment is too long: 1001 characters, the limit is 1000.",
    });
    expect(await snapshotTables(t)).toEqual(before);
    // 1000 characters is fine.
    const rated = await t.mutation(api.public.conversations.rate, {
      sessionToken,
      conversationId,
      rating: 5,
      comment: "x".repeat(1000),
    });
    expect(rated.csat?.comment).toHaveLength(1000);
  });

  test("a conversation still open cannot be rated", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Ada");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
    for (const status of ["unresolved", "escalated"] as const) {
      if (status === "escalated") {
        await t.mutation(api.public.conversations.escalate, { sessionToken, conversationId });
      }
      const before = await snapshotTables(t);
      expect(
        await errorData(
          t.mutation(api.public.conversations.rate, { sessionToken, conversationId, rating: 5 }),
        ),
      ).toEqual({
        code: "CONFLICT",
        message: "You can rate this conversation once it has ended.",
      });
      expect(await snapshotTables(t)).toEqual(before);
    }
  });

  test("rating is rate-limited per session", async () => {
    const { t, sessionToken, conversationId } = await endedConversation();
    for (let rating = 1; rating <= 5; rating++) {
      await t.mutation(api.public.conversations.rate, { sessionToken, conversationId, rating });
    }
    expect(
      await errorData(
        t.mutation(api.public.conversations.rate, { sessionToken, conversationId, rating: 4 }),
      ),
    ).toMatchObject({ code: "RATE_LIMITED" });
    // The last accepted rating stands.
    expect(
      (await t.query(api.public.conversations.get, { sessionToken, conversationId })).csat,
    ).toEqual({ rating: 5 });
  });

  test("another visitor cannot rate someone else's conversation", async () => {
    const { t, conversationId } = await endedConversation();
    const mallory = await createVisitor(t, "org_a", "Mallory");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        t.mutation(api.public.conversations.rate, {
          sessionToken: mallory,
          conversationId,
          rating: 1,
        }),
      ),
    ).toEqual({ code: "NOT_FOUND", message: "This conversation does not exist." });
    expect(await snapshotTables(t)).toEqual(before);
  });
});
