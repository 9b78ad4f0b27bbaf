import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { deliver, subscription, TEST_WEBHOOK_SECRET } from "../../test/clerk";
import { asAdmin, createOrganization, createVisitor, setup, type Test } from "../../test/setup";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { PLANS } from "./plans";
import { addMonths, billingPeriod, shardShare, USAGE_SHARDS } from "./usage";
import type { Plan } from "./validators";

beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_WEBHOOK_SECRET);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const DAY = 24 * 60 * 60 * 1000;

/** Subscribe the organization to `plan` through a signed Clerk webhook naming its billing cycle. */
async function subscribe(
  t: Test,
  orgId: string,
  plan: Plan,
  cycle: { periodStart: number; periodEnd: number },
) {
  const { status } = await deliver(t, {
    type: "subscription.active",
    data: subscription({
      orgId,
      status: "active",
      updatedAt: Date.now(),
      items: [{ slug: plan, status: "active", ...cycle }],
    }),
  });
  expect(status).toBe(200);
}

/** A conversation whose visitor writes, and the agent opens its reply, `replies` times. */
async function newConversation(t: Test, orgId: string) {
  const sessionToken = await createVisitor(t, orgId);
  return await t.mutation(api.public.conversations.create, { sessionToken });
}

async function askAgent(t: Test, orgId: string, replies: number) {
  let conversationId = await newConversation(t, orgId);
  const started = [];
  for (let i = 0; i < replies; i++) {
    // A new visitor every 20 replies: one session's own AI budget (lib/aiBudget.ts) is smaller.
    if (i > 0 && i % 20 === 0) conversationId = await newConversation(t, orgId);
    const messageId = await t.run(async (ctx) => {
      const conversation = (await ctx.db.get("conversations", conversationId))!;
      return await ctx.db.insert("messages", {
        organizationId: conversation.organizationId,
        conversationId,
        role: "visitor",
        body: `Question ${i}`,
        status: "complete",
      });
    });
    started.push(
      await t.mutation(internal.system.messages.startReply, { conversationId, messageId }),
    );
  }
  return started;
}

async function periodRows(t: Test, organizationId: Id<"organizations">, period: string) {
  return await t.run(async (ctx) =>
    ctx.db
      .query("usage")
      .withIndex("by_organization_id_and_period_and_shard", (q) =>
        q.eq("organizationId", organizationId).eq("period", period),
      )
      .collect(),
  );
}

/** Set the period's AI replies shard by shard (`perShard[i]` in shard i). */
async function setShards(
  t: Test,
  organizationId: Id<"organizations">,
  period: string,
  perShard: number[],
) {
  await t.run(async (ctx) => {
    for (const [shard, aiReplies] of perShard.entries()) {
      await ctx.db.insert("usage", {
        organizationId,
        period,
        shard,
        conversations: 0,
        aiReplies,
        voiceMinutes: 0,
        knowledgeBaseCharacters: 0,
        seats: 0,
      });
    }
  });
}

describe("billing periods", () => {
  test("without a billing cycle, the calendar month in UTC", () => {
    expect(billingPeriod(null, Date.UTC(2027, 1, 14, 12))).toEqual({
      key: "2027-02",
      start: Date.UTC(2027, 1, 1),
      end: Date.UTC(2027, 2, 1),
    });
  });

  test("the cycle Clerk named while it lasts, then month after month from its end", () => {
    const cycle = { start: Date.UTC(2026, 11, 15, 9), end: Date.UTC(2027, 0, 15, 9) };
    expect(billingPeriod(cycle, Date.UTC(2027, 0, 10))).toEqual({
      key: "2026-12-15",
      ...cycle,
    });
    expect(billingPeriod(cycle, Date.UTC(2027, 2, 20))).toEqual({
      key: "2027-03-15",
      start: Date.UTC(2027, 2, 15, 9),
      end: Date.UTC(2027, 3, 15, 9),
    });
  });

  test("a yearly cycle is metered month by month; a cycle starting on the 31st keeps to month ends", () => {
    const yearly = { start: Date.UTC(2026, 0, 31), end: Date.UTC(2027, 0, 31) };
    expect(billingPeriod(yearly, Date.UTC(2026, 1, 28, 12))).toEqual({
      key: "2026-02-28",
      start: Date.UTC(2026, 1, 28),
      end: Date.UTC(2026, 2, 31),
    });
    expect(addMonths(Date.UTC(2026, 0, 31), 1)).toBe(Date.UTC(2026, 1, 28));
    // Only the start known (the plan ended): the cycle goes on from it.
    expect(billingPeriod({ start: Date.UTC(2026, 0, 31) }, Date.UTC(2026, 3, 29)).key).toBe(
      "2026-03-31",
    );
  });

  test("quotas follow the subscription's billing cycle, not the calendar month", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.UTC(2026, 11, 20, 12)));
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const periodStart = Date.UTC(2026, 11, 15, 9);
    const periodEnd = Date.UTC(2027, 0, 15, 9);
    await subscribe(t, "org_a", "pro", { periodStart, periodEnd });
    const admin = asAdmin(t, "org_a");
    expect((await admin.query(api.private.billing.get, {})).usage).toMatchObject({
      period: "2026-12-15",
      periodStart,
      periodEnd,
    });
    const limit = PLANS.pro.aiRepliesPerMonth;
    await setShards(
      t,
      org._id,
      "2026-12-15",
      Array.from({ length: USAGE_SHARDS }, (_, shard) => shardShare(limit, shard)),
    );
    expect(await askAgent(t, "org_a", 1)).toEqual([null]);

    // A new calendar month, but the same billing period: still spent.
    vi.setSystemTime(new Date(Date.UTC(2027, 0, 14, 12)));
    expect(await askAgent(t, "org_a", 1)).toEqual([null]);

    // The cycle has renewed: the quota rolls over.
    vi.setSystemTime(new Date(periodEnd + 60_000));
    expect((await askAgent(t, "org_a", 1))[0]).not.toBeNull();
    const { usage } = await admin.query(api.private.billing.get, {});
    expect(usage).toMatchObject({
      period: "2027-01-15",
      periodStart: periodEnd,
      periodEnd: Date.UTC(2027, 1, 15, 9),
      aiReplies: 1,
      conversations: 1,
    });
  });

  test("the renewal's event names the next cycle", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.UTC(2027, 0, 16)));
    const t = setup();
    await createOrganization(t, "org_a");
    await subscribe(t, "org_a", "pro", {
      periodStart: Date.UTC(2027, 0, 15, 9, 5),
      periodEnd: Date.UTC(2027, 1, 15, 9, 5),
    });
    const { usage } = await asAdmin(t, "org_a").query(api.private.billing.get, {});
    expect(usage).toMatchObject({
      period: "2027-01-15",
      periodStart: Date.UTC(2027, 0, 15, 9, 5),
    });
  });
});

describe("sharded counters", () => {
  test("AI replies spread over shards, and their sum matches the replies", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await subscribe(t, "org_a", "pro", {
      periodStart: Date.now() - DAY,
      periodEnd: addMonths(Date.now() - DAY, 1),
    });
    const started = await askAgent(t, "org_a", 40);
    expect(started.every((reply) => reply !== null)).toBe(true);
    const { usage } = await asAdmin(t, "org_a").query(api.private.billing.get, {});
    const rows = await periodRows(t, org._id, usage.period);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThanOrEqual(USAGE_SHARDS);
    const replies = await t.run(async (ctx) =>
      (
        await ctx.db
          .query("messages")
          .withIndex("by_organization_id", (q) => q.eq("organizationId", org._id))
          .collect()
      ).filter((m) => m.role === "ai" && m.status === "streaming"),
    );
    expect(replies).toHaveLength(40);
    expect(usage.aiReplies).toBe(40);
    expect(rows.reduce((sum, row) => sum + row.aiReplies, 0)).toBe(40);
  });

  test("the quota is exact: a full shard sends the reply to one with room, and the limit refuses", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const limit = PLANS.free.aiRepliesPerMonth;
    const { usage } = await asAdmin(t, "org_a").query(api.private.billing.get, {});
    // Every shard full but one, which has room for exactly one reply.
    const perShard = Array.from({ length: USAGE_SHARDS }, (_, shard) => shardShare(limit, shard));
    perShard[3] = perShard[3]! - 1;
    await setShards(t, org._id, usage.period, perShard);

    const [first, second] = await askAgent(t, "org_a", 2);
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    const rows = await periodRows(t, org._id, usage.period);
    expect(rows.reduce((sum, row) => sum + row.aiReplies, 0)).toBe(limit);
    expect(rows.find((row) => row.shard === 3)!.aiReplies).toBe(shardShare(limit, 3));
  });

  test("shares add up to the limit", () => {
    for (const limit of [0, 7, 200, 5_001]) {
      const shares = Array.from({ length: USAGE_SHARDS }, (_, shard) => shardShare(limit, shard));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
    }
  });
});
