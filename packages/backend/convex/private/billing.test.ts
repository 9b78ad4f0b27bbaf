import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { deliver, subscription, TEST_WEBHOOK_SECRET } from "../../test/clerk";
import { CLERK_TEST_SECRET_KEY, startClerkApiServer } from "../../test/clerkApiServer";
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
import type { Id } from "../_generated/dataModel";
import { PLANS } from "../lib/plans";
import type { Plan } from "../lib/validators";

beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_WEBHOOK_SECRET);
  vi.stubEnv("PARLEY_STREAM_PACING_MS", "0");
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** Put the organization on `plan` the way production does: a signed Clerk webhook. */
async function onPlan(t: Test, orgId: string, plan: Plan) {
  if (plan === "free") return;
  const { status } = await deliver(t, {
    type: "subscription.active",
    data: subscription({
      orgId,
      status: "active",
      updatedAt: Date.now(),
      items: [{ slug: plan, status: "active" }],
    }),
  });
  expect(status).toBe(200);
}

const text = (characters: number) =>
  Array.from({ length: Math.ceil(characters / 10) }, (_, i) => `word${i % 100000}`.padEnd(9, "x"))
    .join(" ")
    .slice(0, characters);

/** A visitor's message waiting for the agent's answer. */
async function visitorMessage(t: Test, orgId: string) {
  const sessionToken = await createVisitor(t, orgId);
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  const messageId = await t.run(async (ctx) => {
    const conversation = (await ctx.db.get("conversations", conversationId))!;
    return await ctx.db.insert("messages", {
      organizationId: conversation.organizationId,
      conversationId,
      role: "visitor",
      body: "Hello?",
      status: "complete",
    });
  });
  return { conversationId, messageId };
}

/** Usage as if `aiReplies` replies had been counted this period, spread over its shards. */
async function setUsage(t: Test, organizationId: Id<"organizations">, aiReplies: number) {
  await t.run(async (ctx) => {
    const { periodFor, shardShare, USAGE_SHARDS } = await import("../lib/usage");
    const { key: period } = await periodFor(ctx, organizationId);
    for (let shard = 0; shard < USAGE_SHARDS; shard++) {
      const row = await ctx.db
        .query("usage")
        .withIndex("by_organization_id_and_period_and_shard", (q) =>
          q.eq("organizationId", organizationId).eq("period", period).eq("shard", shard),
        )
        .unique();
      const share = shardShare(aiReplies, shard);
      if (row) await ctx.db.patch("usage", row._id, { aiReplies: share });
      else {
        await ctx.db.insert("usage", {
          organizationId,
          period,
          shard,
          conversations: 0,
          aiReplies: share,
          voiceMinutes: 0,
          knowledgeBaseCharacters: 0,
          seats: 0,
        });
      }
    }
  });
}

describe("gated functions refuse on free and work on pro", () => {
  test.each(["free", "pro"] as const)(
    "voice support (widgetSettings.update) on %s",
    async (plan) => {
      const t = setup();
      await createOrganization(t, "org_a");
      await onPlan(t, "org_a", plan);
      const call = asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
        voiceEnabled: true,
      });
      if (plan === "free") {
        expect(await errorData(call)).toMatchObject({
          code: "PLAN_REQUIRED",
          upgradeTo: { plan: "pro", name: "Pro" },
        });
      } else {
        await call;
      }
      // Turning voice off is never gated.
      await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
        voiceEnabled: false,
      });
    },
  );

  test.each(["free", "pro"] as const)(
    "knowledge-base size (knowledgeBase.addText) on %s",
    async (plan) => {
      const t = setup();
      await createOrganization(t, "org_a");
      await onPlan(t, "org_a", plan);
      const admin = asAdmin(t, "org_a");
      await admin.mutation(api.private.knowledgeBase.addText, { title: "A", text: text(99_000) });
      await admin.mutation(api.private.knowledgeBase.addText, { title: "B", text: text(99_000) });
      const third = admin.mutation(api.private.knowledgeBase.addText, {
        title: "C",
        text: text(99_000),
      });
      if (plan === "free") {
        expect(await errorData(third)).toMatchObject({
          code: "QUOTA_EXCEEDED",
          upgradeTo: { plan: "pro", name: "Pro" },
        });
      } else {
        await third;
      }
    },
  );

  test.each(["free", "pro"] as const)("seats (members.add) on %s", async (plan) => {
    const t = setup();
    await createOrganization(t, "org_a");
    await onPlan(t, "org_a", plan);
    const admin = asAdmin(t, "org_a");
    const add = (i: number) =>
      admin.mutation(api.private.members.add, {
        externalId: `user_${i}`,
        name: `User ${i}`,
        email: `user${i}@example.com`,
        role: "operator",
      });
    // Two seats are taken by the admin and the operator.
    for (let i = 0; i < PLANS.free.seats - 2; i++) await add(i);
    if (plan === "free") {
      expect(await errorData(add(99))).toMatchObject({
        code: "QUOTA_EXCEEDED",
        upgradeTo: { plan: "pro", name: "Pro" },
      });
    } else {
      await add(99);
    }
  });

  test.each(["free", "pro"] as const)("AI replies per period (the agent) on %s", async (plan) => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await onPlan(t, "org_a", plan);
    await setUsage(t, org._id, PLANS.free.aiRepliesPerMonth);
    const { conversationId, messageId } = await visitorMessage(t, "org_a");
    const started = await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId,
    });
    if (plan === "free") {
      // The widget gets a polite message instead of an error.
      expect(started).toBeNull();
      const last = await t.run(async (ctx) =>
        ctx.db
          .query("messages")
          .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
          .order("desc")
          .first(),
      );
      expect(last!.body).toContain("Talk to a human");
    } else {
      expect(started).not.toBeNull();
    }
  });
});

test("a quota no bigger plan has room for names no plan to upgrade to", async () => {
  const t = setup();
  await createOrganization(t, "org_a");
  await onPlan(t, "org_a", "business");
  const admin = asAdmin(t, "org_a");
  await t.run(async (ctx) => {
    const { recordUsage } = await import("../lib/usage");
    const org = (await ctx.db.query("organizations").first())!;
    await recordUsage(
      ctx,
      org._id,
      "knowledgeBaseCharacters",
      PLANS.business.knowledgeBaseCharacters,
    );
  });
  const error = await errorData(
    admin.mutation(api.private.knowledgeBase.addText, { title: "A", text: text(1_000) }),
  );
  expect(error).toMatchObject({ code: "QUOTA_EXCEEDED" });
  expect(error).not.toHaveProperty("upgradeTo");
});

describe("usage", () => {
  test("quotas roll over with the billing period", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(Date.UTC(2027, 0, 31, 23, 0)));
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await setUsage(t, org._id, PLANS.free.aiRepliesPerMonth);
    const first = await visitorMessage(t, "org_a");
    expect(await t.mutation(internal.system.messages.startReply, first)).toBeNull();

    vi.setSystemTime(new Date(Date.UTC(2027, 1, 1, 0, 30)));
    const second = await visitorMessage(t, "org_a");
    expect(await t.mutation(internal.system.messages.startReply, second)).not.toBeNull();
    const billing = await asAdmin(t, "org_a").query(api.private.billing.get, {});
    expect(billing.usage).toMatchObject({ period: "2027-02", aiReplies: 1, conversations: 1 });
  });

  test("the counters match the rows they count", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const admin = asAdmin(t, "org_a");
    for (let i = 0; i < 3; i++) {
      await t.mutation(api.public.conversations.create, {
        sessionToken: await createVisitor(t, "org_a", `V${i}`),
      });
    }
    const keep = await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Keep",
      text: text(5_000),
    });
    const drop = await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Drop",
      text: text(3_000),
    });
    await admin.mutation(api.private.knowledgeBase.remove, { sourceId: drop });
    const added = await admin.mutation(api.private.members.add, {
      externalId: "user_x",
      name: "X",
      email: "x@example.com",
      role: "operator",
    });
    await admin.mutation(api.private.members.add, {
      externalId: "user_y",
      name: "Y",
      email: "y@example.com",
      role: "operator",
    });
    await admin.mutation(api.private.members.remove, { membershipId: added });
    const { messageId, conversationId } = await visitorMessage(t, "org_a");
    await t.mutation(internal.system.messages.startReply, { conversationId, messageId });

    const counted = await t.run(async (ctx) => {
      const conversations = await ctx.db
        .query("conversations")
        .withIndex("by_organization_id_and_last_message_at", (q) => q.eq("organizationId", org._id))
        .collect();
      const chunks = await ctx.db
        .query("knowledgeChunks")
        .withIndex("by_source_id_and_position", (q) => q.eq("sourceId", keep))
        .collect();
      const members = await ctx.db
        .query("memberships")
        .withIndex("by_organization_id_and_user_id", (q) => q.eq("organizationId", org._id))
        .collect();
      const aiReplies = await ctx.db
        .query("messages")
        .withIndex("by_organization_id", (q) => q.eq("organizationId", org._id))
        .collect();
      return {
        conversations: conversations.length,
        knowledgeBaseCharacters: chunks.reduce((sum, c) => sum + c.text.length, 0),
        seats: members.length,
        // Greetings are AI messages too; the agent's replies are the streaming ones.
        aiReplies: aiReplies.filter((m) => m.role === "ai" && m.status === "streaming").length,
      };
    });
    const { usage } = await admin.query(api.private.billing.get, {});
    expect(usage).toMatchObject(counted);
    expect(counted).toMatchObject({ conversations: 4, seats: 3, aiReplies: 1 });
  });

  test("operators cannot read billing", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(asOperator(t, "org_a").query(api.private.billing.get, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("Clerk's member limit follows the plan (Clerk mode)", () => {
  test("a plan change sets max_allowed_memberships through Clerk's Backend API", async () => {
    const clerk = await startClerkApiServer(["org_a"]);
    try {
      vi.stubEnv("CLERK_SECRET_KEY", CLERK_TEST_SECRET_KEY);
      vi.stubEnv("CLERK_API_URL", clerk.url);
      const t = setup();
      await createOrganization(t, "org_a");
      await onPlan(t, "org_a", "pro");
      // Real timers: the scheduled action makes a real HTTP request to the loopback server.
      await vi.waitFor(() => expect(clerk.requests.length).toBeGreaterThan(0));
      await t.finishInProgressScheduledFunctions();
      expect(clerk.requests).toMatchObject([
        {
          method: "PATCH",
          path: "/v1/organizations/org_a",
          authorization: `Bearer ${CLERK_TEST_SECRET_KEY}`,
          body: { max_allowed_memberships: PLANS.pro.seats },
        },
      ]);
      expect(clerk.limits.get("org_a")).toBe(PLANS.pro.seats);
    } finally {
      await clerk.close();
    }
  });

  test("local mode (no CLERK_SECRET_KEY) records the limit without calling Clerk", async () => {
    const clerk = await startClerkApiServer(["org_a"]);
    try {
      vi.stubEnv("CLERK_API_URL", clerk.url);
      const t = setup();
      const org = await createOrganization(t, "org_a");
      await onPlan(t, "org_a", "pro");
      expect(clerk.requests).toEqual([]);
      const after = await t.run(async (ctx) => ctx.db.get("organizations", org._id));
      expect(after!.memberLimit).toBe(PLANS.pro.seats);
    } finally {
      await clerk.close();
    }
  });
});
