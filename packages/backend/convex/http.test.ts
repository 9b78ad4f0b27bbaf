import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  deletedOrganization,
  deliver,
  membership,
  organization,
  paymentAttempt,
  subscription,
  subscriptionItem,
  TEST_WEBHOOK_SECRET,
  webhookSecret,
} from "../test/clerk";
import {
  asAdmin,
  asOperator,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
  TEST_ISSUER,
  type Test,
} from "../test/setup";
import { api } from "./_generated/api";
import { BILLING_EVENTS, ORGANIZATION_EVENTS } from "./lib/clerkEvents";

const DAY = 24 * 60 * 60 * 1000;

beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_WEBHOOK_SECRET);
  vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", TEST_ISSUER);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

async function subscriptionRow(t: Test, orgId: string) {
  return await t.run(async (ctx) => {
    const org = await ctx.db
      .query("organizations")
      .withIndex("by_external_id", (q) => q.eq("externalId", orgId))
      .unique();
    return await ctx.db
      .query("subscriptions")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", org!._id))
      .unique();
  });
}

const plan = async (t: Test, orgId: string) => (await subscriptionRow(t, orgId))!.plan;

const upgrade = (orgId: string, updatedAt: number, status = "active") =>
  ({
    type: "subscription.updated",
    data: subscription({
      orgId,
      status,
      updatedAt,
      items: [{ slug: "pro", status: status === "past_due" ? "past_due" : "active" }],
    }),
    timestamp: updatedAt,
  }) as const;

async function webhookRows(t: Test) {
  return await t.run(async (ctx) => ctx.db.query("webhookEvents").collect());
}

describe("http.ts: POST /webhooks/clerk signature checks", () => {
  test("a valid delivery is applied and recorded with its svix-id", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { status, id } = await deliver(t, upgrade("org_a", Date.now()));
    expect(status).toBe(200);
    expect(await plan(t, "org_a")).toBe("pro");
    expect(await webhookRows(t)).toMatchObject([
      { source: "clerk", externalId: id, type: "subscription.updated", outcome: "applied" },
    ]);
  });

  test.each([
    ["a tampered body", { tamper: (body: string) => body.replace('"pro"', '"business"') }],
    ["the wrong secret", { secret: webhookSecret(99) }],
    ["a stale timestamp (6 minutes old)", { signedAt: new Date(Date.now() - 6 * 60_000) }],
    ["a future timestamp (6 minutes ahead)", { signedAt: new Date(Date.now() + 6 * 60_000) }],
  ])("%s is refused with 400 and nothing is written", async (_name, change) => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    const { status } = await deliver(t, { ...upgrade("org_a", Date.now()), ...change });
    expect(status).toBe(400);
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("a delivery without Svix headers is refused with 400", async () => {
    const t = setup();
    const response = await t.fetch("/webhooks/clerk", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(upgrade("org_a", 1)),
    });
    expect(response.status).toBe(400);
    expect(await webhookRows(t)).toEqual([]);
  });

  test("timestamps within the 5-minute tolerance are accepted", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { status } = await deliver(t, {
      ...upgrade("org_a", Date.now()),
      signedAt: new Date(Date.now() - 4 * 60_000),
    });
    expect(status).toBe(200);
  });

  test("without a signing secret the route answers 500 (Svix retries) and writes nothing", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
    const t = setup();
    const { status } = await deliver(t, upgrade("org_a", 1));
    expect(status).toBe(500);
    expect(await webhookRows(t)).toEqual([]);
  });

  test("unknown event types are acknowledged (200) and ignored", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    const { status } = await deliver(t, {
      type: "user.created",
      data: { object: "user", id: "user_1" },
    });
    expect(status).toBe(200);
    expect(await snapshotTables(t)).toEqual(before);
  });
});

describe("http.ts: every handled event type", () => {
  const payloadFor = (type: string, at: number): Record<string, unknown> => {
    const [object, action] = type.split(".");
    switch (object) {
      case "subscription":
        return subscription({
          orgId: "org_a",
          status: action === "pastDue" ? "past_due" : "active",
          updatedAt: at,
          items: [{ slug: "pro", status: action === "pastDue" ? "past_due" : "active" }],
        });
      case "subscriptionItem": {
        const status =
          action === "created" || action === "updated"
            ? "active"
            : action === "pastDue"
              ? "past_due"
              : action === "freeTrialEnding"
                ? "active"
                : action!;
        return subscriptionItem({ orgId: "org_a", slug: "pro", status });
      }
      case "paymentAttempt":
        return paymentAttempt("org_a", "paid");
      case "organization":
        return action === "deleted"
          ? deletedOrganization("org_gone")
          : organization("org_a", "Renamed", at);
      default:
        return membership("org_a", "operator_org_a", "org:member", at);
    }
  };

  test.each([...BILLING_EVENTS, ...ORGANIZATION_EVENTS])(
    "%s is verified, applied and recorded",
    async (type) => {
      const t = setup();
      await createOrganization(t, "org_a");
      const at = Date.now() + 1000;
      const { status, id } = await deliver(t, { type, data: payloadFor(type, at), timestamp: at });
      expect(status).toBe(200);
      const rows = await webhookRows(t);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ externalId: id, type });
      expect(rows[0]!.outcome).not.toBe("stale");
    },
  );

  test("billing events for a user without an organization are recorded and ignored", async () => {
    const t = setup();
    const { status } = await deliver(t, {
      type: "subscription.created",
      data: subscription({
        status: "active",
        updatedAt: 1,
        items: [{ slug: "pro", status: "active" }],
      }),
    });
    expect(status).toBe(200);
    expect(await webhookRows(t)).toMatchObject([
      { outcome: "ignored: payer is a user without an organization" },
    ]);
    expect(await t.run(async (ctx) => ctx.db.query("organizations").collect())).toEqual([]);
  });
});

describe("http.ts: once, and newest wins", () => {
  test("a delivery redelivered three times has one effect", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const first = upgrade("org_a", Date.now());
    const { id } = await deliver(t, first);
    for (let i = 0; i < 3; i++) {
      expect((await deliver(t, { ...first, id })).status).toBe(200);
    }
    expect(await webhookRows(t)).toHaveLength(1);
    const changes = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).filter((a) => a.action === "plan.changed"),
    );
    expect(changes).toHaveLength(1);
  });

  test("billing events delivered out of order: the newest state wins", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    // Newest first: canceled at t3, then the older upgrade (t1) and past-due (t2) arrive late.
    await deliver(t, {
      type: "subscriptionItem.canceled",
      data: subscriptionItem({
        orgId: "org_a",
        slug: "pro",
        status: "canceled",
        periodEnd: now + 10 * DAY,
      }),
      timestamp: now + 3000,
    });
    await deliver(t, upgrade("org_a", now + 1000));
    await deliver(t, upgrade("org_a", now + 2000, "past_due"));
    const row = await subscriptionRow(t, "org_a");
    expect(row).toMatchObject({ status: "canceled", plan: "pro", syncedAt: now + 3000 });
    expect((await webhookRows(t)).map((r) => r.outcome)).toEqual(["applied", "stale", "stale"]);
  });

  test("organization and membership events delivered out of order: the newest wins", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    await deliver(t, {
      type: "organization.updated",
      data: organization("org_a", "Newest", now + 2),
    });
    await deliver(t, {
      type: "organization.updated",
      data: organization("org_a", "Older", now + 1),
    });
    await deliver(t, {
      type: "organizationMembership.updated",
      data: membership("org_a", "operator_org_a", "org:admin", now + 2),
    });
    await deliver(t, {
      type: "organizationMembership.updated",
      data: membership("org_a", "operator_org_a", "org:member", now + 1),
    });
    const members = await asAdmin(t, "org_a").query(api.private.members.list, {});
    expect(members.members.find((m) => m.externalId === "operator_org_a")?.role).toBe("admin");
    expect((await asAdmin(t, "org_a").query(api.private.organizations.current, {})).name).toBe(
      "Newest",
    );
  });

  test("a membership created after its deletion was processed stays deleted", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    await deliver(t, {
      type: "organizationMembership.deleted",
      data: membership("org_a", "operator_org_a", "org:member", now + 1),
      timestamp: now + 5,
    });
    await deliver(t, {
      type: "organizationMembership.created",
      data: membership("org_a", "operator_org_a", "org:member", now + 1),
    });
    expect(
      await errorData(asOperator(t, "org_a").query(api.private.organizations.current, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("http.ts: billing statuses", () => {
  test.each([
    ["subscriptionItem.pastDue", "past_due"],
    ["subscriptionItem.past_due", "past_due"],
    ["subscriptionItem.updated", "pastDue"],
    ["subscriptionItem.updated", "past_due"],
    ["subscription.pastDue", "past_due"],
    ["subscription.past_due", "pastDue"],
  ])(
    "%s with status %s keeps the plan for the grace period, then falls back to free",
    async (type, status) => {
      vi.useFakeTimers();
      const t = setup();
      await createOrganization(t, "org_a");
      await deliver(t, upgrade("org_a", Date.now() - 10));
      const now = Date.now();
      const data = type.startsWith("subscriptionItem")
        ? subscriptionItem({ orgId: "org_a", slug: "pro", status, pastDueAt: now })
        : subscription({
            orgId: "org_a",
            status,
            updatedAt: now,
            items: [{ slug: "pro", status }],
          });
      expect((await deliver(t, { type, data, timestamp: now })).status).toBe(200);
      expect(await subscriptionRow(t, "org_a")).toMatchObject({
        plan: "pro",
        status: "past_due",
        graceEndsAt: now + 7 * DAY,
      });
      vi.advanceTimersByTime(7 * DAY + 1);
      await t.finishAllScheduledFunctions(vi.runAllTimers);
      expect(await subscriptionRow(t, "org_a")).toMatchObject({ plan: "free", status: "past_due" });
    },
  );

  test("the grace period is configurable, and a payment in time keeps the plan", async () => {
    vi.stubEnv("PARLEY_PAST_DUE_GRACE_DAYS", "3");
    vi.useFakeTimers();
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    await deliver(t, upgrade("org_a", now - 10));
    await deliver(t, upgrade("org_a", now, "past_due"));
    expect((await subscriptionRow(t, "org_a"))!.graceEndsAt).toBe(now + 3 * DAY);
    await deliver(t, upgrade("org_a", now + 1000));
    vi.advanceTimersByTime(4 * DAY);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await subscriptionRow(t, "org_a")).toMatchObject({ plan: "pro", status: "active" });
  });

  test("canceled keeps the plan until the period ends", async () => {
    vi.useFakeTimers();
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    await deliver(t, upgrade("org_a", now - 10));
    await deliver(t, {
      type: "subscriptionItem.canceled",
      data: subscriptionItem({
        orgId: "org_a",
        slug: "pro",
        status: "canceled",
        periodEnd: now + 5 * DAY,
      }),
      timestamp: now,
    });
    expect(await plan(t, "org_a")).toBe("pro");
    vi.advanceTimersByTime(5 * DAY + 1);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await subscriptionRow(t, "org_a")).toMatchObject({ plan: "free", status: "canceled" });
  });

  test("the old plan's item ending after an upgrade does not downgrade", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    await deliver(t, {
      type: "subscriptionItem.active",
      data: subscriptionItem({ orgId: "org_a", slug: "business", status: "active" }),
      timestamp: now,
    });
    await deliver(t, {
      type: "subscriptionItem.ended",
      data: subscriptionItem({ orgId: "org_a", slug: "pro", status: "ended" }),
      timestamp: now + 1,
    });
    expect(await plan(t, "org_a")).toBe("business");
    await deliver(t, {
      type: "subscriptionItem.ended",
      data: subscriptionItem({ orgId: "org_a", slug: "business", status: "ended" }),
      timestamp: now + 2,
    });
    expect(await plan(t, "org_a")).toBe("free");
  });

  test("a plan change sets the organization's member limit", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    expect(org.memberLimit).toBe(5);
    await deliver(t, upgrade("org_a", Date.now()));
    const after = await t.run(async (ctx) => ctx.db.get("organizations", org._id));
    expect(after!.memberLimit).toBe(20);
  });
});

describe("http.ts: organizations and memberships follow Clerk", () => {
  test("organization.created creates the organization with the free plan; a member's first sign-in joins it", async () => {
    const t = setup();
    await deliver(t, { type: "organization.created", data: organization("org_new", "Acme", 5) });
    expect(await plan(t, "org_new")).toBe("free");
    await asAdmin(t, "org_new").mutation(api.private.organizations.bootstrap, {});
    expect((await asAdmin(t, "org_new").query(api.private.organizations.current, {})).name).toBe(
      "Acme",
    );
  });

  test("a member removed in Clerk is refused at once, although their token is still valid", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const operator = asOperator(t, "org_a");
    await operator.query(api.private.organizations.current, {});
    await deliver(t, {
      type: "organizationMembership.deleted",
      data: membership("org_a", "operator_org_a", "org:member", Date.now()),
    });
    expect(await errorData(operator.query(api.private.organizations.current, {}))).toMatchObject({
      code: "FORBIDDEN",
    });
    // Signing in again with the same token does not bring them back.
    expect(
      await errorData(operator.mutation(api.private.organizations.bootstrap, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
    // Added again in Clerk: back in.
    await deliver(t, {
      type: "organizationMembership.created",
      data: membership("org_a", "operator_org_a", "org:member", Date.now() + 1000),
    });
    expect((await operator.query(api.private.organizations.current, {})).role).toBe("operator");
    const usage = await asAdmin(t, "org_a").query(api.private.billing.get, {});
    expect(usage.usage.seats).toBe(2);
  });

  test("an admin demoted in Clerk loses admin rights at once", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await deliver(t, {
      type: "organizationMembership.updated",
      data: membership("org_a", "admin_org_a", "org:member", Date.now()),
    });
    const admin = asAdmin(t, "org_a");
    expect((await admin.query(api.private.organizations.current, {})).role).toBe("operator");
    expect(
      await errorData(admin.mutation(api.private.widgetSettings.update, { agentName: "X" })),
    ).toMatchObject({ code: "FORBIDDEN" });
    // A later sign-in with the old token does not restore the role.
    await admin.mutation(api.private.organizations.bootstrap, {});
    expect((await admin.query(api.private.organizations.current, {})).role).toBe("operator");
  });

  test("a member Clerk adds before their first sign-in is listed and can sign in", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await deliver(t, {
      type: "organizationMembership.created",
      data: membership("org_a", "user_newbie", "org:admin", Date.now()),
    });
    const list = await asAdmin(t, "org_a").query(api.private.members.list, {});
    expect(list.members.find((m) => m.externalId === "user_newbie")).toMatchObject({
      role: "admin",
      email: "user_newbie@example.com",
    });
  });

  test("deleting an organization disables its widget and members, and purges its data after the retention period", async () => {
    vi.useFakeTimers();
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const token = await createVisitor(t, "org_a");
    await t.mutation(api.public.conversations.create, { sessionToken: token });
    await deliver(t, { type: "organization.deleted", data: deletedOrganization("org_a") });

    expect(
      await errorData(
        t.query(api.public.widgetSettings.getByOrganization, { organizationId: "org_a" }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorData(
        t.query(api.public.conversations.list, {
          sessionToken: token,
          paginationOpts: { numItems: 10, cursor: null },
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorData(asAdmin(t, "org_a").query(api.private.organizations.current, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
    // A late organization.updated does not revive it.
    await deliver(t, {
      type: "organization.updated",
      data: organization("org_a", "Back?", Date.now() + 5),
    });
    expect(
      await errorData(asAdmin(t, "org_a").query(api.private.organizations.current, {})),
    ).toMatchObject({ code: "FORBIDDEN" });

    vi.advanceTimersByTime(30 * DAY + 1);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await t.run(async (ctx) => {
      const orgA = await ctx.db
        .query("organizations")
        .withIndex("by_external_id", (q) => q.eq("externalId", "org_a"))
        .unique();
      const tables = [
        "conversations",
        "messages",
        "contactSessions",
        "widgetSettings",
        "memberships",
        "subscriptions",
        "auditLogs",
      ] as const;
      const counts: Record<string, number> = {};
      for (const table of tables) {
        counts[table] = (await ctx.db.query(table).collect()).filter(
          (row) => (row as { organizationId?: unknown }).organizationId === orgA!._id,
        ).length;
      }
      return { orgA, counts };
    });
    expect(left.orgA).toMatchObject({ name: "Deleted organization" });
    expect(Object.values(left.counts).every((n) => n === 0)).toBe(true);
    // The other organization is untouched.
    expect((await asAdmin(t, "org_b").query(api.private.organizations.current, {})).name).toBe(
      "Organization org_b",
    );
  });
});
