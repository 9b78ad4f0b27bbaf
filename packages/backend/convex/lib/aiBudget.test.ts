import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { asAdmin, createOrganization, createVisitor, setup, type Test } from "../../test/setup";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { BUDGET_MESSAGES, WARNING_SHARE } from "./aiBudget";
import { PLANS } from "./plans";
import { RATE_LIMITS } from "./rateLimits";
import { calendarMonth } from "./usage";

const HOUR = 60 * 60 * 1000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  // Early in an hour, so a test's replies stay in one clock hour.
  vi.setSystemTime(new Date(Date.UTC(2027, 2, 10, 14, 1)));
});
afterEach(() => {
  vi.useRealTimers();
});

/** A visitor with a conversation, who can ask the agent one question after another. */
async function visitor(t: Test, orgId: string) {
  const sessionToken = await createVisitor(t, orgId);
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  /** A new visitor message and the agent's attempt to answer it: the reply's id, or null. */
  const ask = async () => {
    const messageId = await t.run(async (ctx) => {
      const conversation = (await ctx.db.get("conversations", conversationId))!;
      return await ctx.db.insert("messages", {
        organizationId: conversation.organizationId,
        conversationId,
        role: "visitor",
        body: "A question?",
        status: "complete",
      });
    });
    const started = await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId,
    });
    return started?.replyId ?? null;
  };
  const lastMessage = () =>
    t.run(async (ctx) =>
      ctx.db
        .query("messages")
        .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
        .order("desc")
        .first(),
    );
  return { ask, lastMessage };
}

async function setHourlyReplies(t: Test, organizationId: Id<"organizations">, replies: number) {
  await t.run(async (ctx) => {
    const hourStart = Math.floor(Date.now() / HOUR) * HOUR;
    const row = await ctx.db
      .query("aiBudgets")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .unique();
    if (row) await ctx.db.patch("aiBudgets", row._id, { hourStart, repliesThisHour: replies });
    else await ctx.db.insert("aiBudgets", { organizationId, hourStart, repliesThisHour: replies });
  });
}

async function setMonthlyReplies(t: Test, organizationId: Id<"organizations">, aiReplies: number) {
  await t.run(async (ctx) => {
    await ctx.db.insert("usage", {
      organizationId,
      period: calendarMonth(Date.now()).key,
      conversations: 0,
      aiReplies,
      voiceMinutes: 0,
      knowledgeBaseCharacters: 0,
      seats: 0,
    });
  });
}

const budgetNotifications = async (t: Test, orgId: string) =>
  (
    await asAdmin(t, orgId).query(api.private.notifications.list, {
      paginationOpts: { numItems: 50, cursor: null },
    })
  ).page.filter((notification) => notification.kind === "ai.budget");

describe("AI budget per visitor session", () => {
  test("one visitor gets a day's share of answers, then a polite offer of a human; others still get answers", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const greedy = await visitor(t, "org_a");
    const cap = RATE_LIMITS.aiRepliesPerSession.rate;
    for (let i = 0; i < cap; i++) expect(await greedy.ask()).not.toBeNull();

    expect(await greedy.ask()).toBeNull();
    expect(await greedy.lastMessage()).toMatchObject({
      role: "ai",
      body: BUDGET_MESSAGES.session,
    });
    expect(BUDGET_MESSAGES.session).toContain("Talk to a human");

    const other = await visitor(t, "org_a");
    expect(await other.ask()).not.toBeNull();

    // A day later the visitor's share is back.
    vi.setSystemTime(Date.now() + 24 * HOUR + 1000);
    expect(await greedy.ask()).not.toBeNull();
  });
});

describe("AI budget per organization and hour", () => {
  test("past the plan's hourly budget visitors are offered a human, until the next hour; other organizations are unaffected", async () => {
    const t = setup();
    const a = await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    await setHourlyReplies(t, a._id, PLANS.free.aiRepliesPerHour);

    const visitorA = await visitor(t, "org_a");
    expect(await visitorA.ask()).toBeNull();
    expect(await visitorA.lastMessage()).toMatchObject({ role: "ai", body: BUDGET_MESSAGES.hour });
    expect(await (await visitor(t, "org_b")).ask()).not.toBeNull();

    vi.setSystemTime(Date.now() + HOUR);
    expect(await visitorA.ask()).not.toBeNull();
  });

  test("counts each reply in the hour it was given", async () => {
    const t = setup();
    const a = await createOrganization(t, "org_a");
    const { ask } = await visitor(t, "org_a");
    await ask();
    await ask();
    const row = await t.run(async (ctx) =>
      ctx.db
        .query("aiBudgets")
        .withIndex("by_organization_id", (q) => q.eq("organizationId", a._id))
        .unique(),
    );
    expect(row).toMatchObject({
      hourStart: Math.floor(Date.now() / HOUR) * HOUR,
      repliesThisHour: 2,
    });
  });
});

describe("the team is told once when a budget is nearly used", () => {
  test("the hourly budget: one notification per hour", async () => {
    const t = setup();
    const a = await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const threshold = Math.ceil(PLANS.free.aiRepliesPerHour * WARNING_SHARE);
    await setHourlyReplies(t, a._id, threshold - 2);
    const { ask } = await visitor(t, "org_a");

    await ask(); // threshold - 1: not yet
    expect(await budgetNotifications(t, "org_a")).toEqual([]);
    await ask(); // threshold: told
    await ask();
    await ask();
    const told = await budgetNotifications(t, "org_a");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      title: "The assistant is nearly at its hourly limit",
      body: `${threshold} of ${PLANS.free.aiRepliesPerHour} AI replies used this hour. Visitors are offered a human once it is reached.`,
      unread: true,
    });
    // Another organization's team sees nothing of it.
    expect(await budgetNotifications(t, "org_b")).toEqual([]);

    // Next hour, the same again: told once more.
    vi.setSystemTime(Date.now() + HOUR);
    await setHourlyReplies(t, a._id, threshold - 1);
    await ask();
    await ask();
    expect(await budgetNotifications(t, "org_a")).toHaveLength(2);
  });

  test("the monthly quota: one notification per billing period", async () => {
    const t = setup();
    const a = await createOrganization(t, "org_a");
    const threshold = Math.ceil(PLANS.free.aiRepliesPerMonth * WARNING_SHARE);
    await setMonthlyReplies(t, a._id, threshold - 1);
    const { ask } = await visitor(t, "org_a");
    await ask();
    await ask();
    await ask();
    const told = await budgetNotifications(t, "org_a");
    expect(told.map((notification) => notification.title)).toEqual([
      "The assistant is nearly at this month's limit",
    ]);
    expect(told[0]!.body).toBe(
      `${threshold} of ${PLANS.free.aiRepliesPerMonth} AI replies used this month on the Free plan. Upgrade for more.`,
    );
  });
});
