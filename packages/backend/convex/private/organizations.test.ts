import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  memberIdentity,
  setup,
  TEST_ISSUER,
} from "../../test/setup";
import { api } from "../_generated/api";

describe("private/organizations.bootstrap", () => {
  test("creates the organization with a free plan, default widget and the admin's membership", async () => {
    const t = setup();
    const result = await asAdmin(t, "org_a").mutation(api.private.organizations.bootstrap, {});
    expect(result).toEqual({ organizationId: "org_a", role: "admin", created: true });

    const rows = await t.run(async (ctx) => ({
      organizations: await ctx.db.query("organizations").collect(),
      users: await ctx.db.query("users").collect(),
      memberships: await ctx.db.query("memberships").collect(),
      subscriptions: await ctx.db.query("subscriptions").collect(),
      widgetSettings: await ctx.db.query("widgetSettings").collect(),
      auditLogs: await ctx.db.query("auditLogs").collect(),
    }));
    expect(rows.organizations).toMatchObject([{ externalId: "org_a", name: "Organization org_a" }]);
    expect(rows.users).toMatchObject([
      { externalId: "admin_org_a", email: "admin_org_a@example.com" },
    ]);
    expect(rows.memberships).toMatchObject([{ role: "admin" }]);
    expect(rows.subscriptions).toMatchObject([{ plan: "free", status: "active" }]);
    expect(rows.widgetSettings).toHaveLength(1);
    expect(rows.auditLogs).toMatchObject([{ action: "organization.created" }]);
  });

  test("is idempotent and mirrors role changes from the token", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const again = await asAdmin(t, "org_a").mutation(api.private.organizations.bootstrap, {});
    expect(again.created).toBe(false);

    // The operator is promoted in Clerk: their next token says admin.
    const promoted = { ...memberIdentity("org_a", "operator"), org_role: "org:admin" };
    await t.withIdentity(promoted).mutation(api.private.organizations.bootstrap, {});
    const counts = await t.run(async (ctx) => ({
      organizations: (await ctx.db.query("organizations").collect()).length,
      memberships: (await ctx.db.query("memberships").collect()).map((m) => m.role).sort(),
      subscriptions: (await ctx.db.query("subscriptions").collect()).length,
      widgetSettings: (await ctx.db.query("widgetSettings").collect()).length,
    }));
    expect(counts).toEqual({
      organizations: 1,
      memberships: ["admin", "admin"],
      subscriptions: 1,
      widgetSettings: 1,
    });
  });

  test("accepts Clerk session token v2 claims (the compact `o` claim)", async () => {
    const t = setup();
    const identity = {
      subject: "user_v2",
      issuer: TEST_ISSUER,
      tokenIdentifier: `${TEST_ISSUER}|user_v2`,
      o: { id: "org_v2", rol: "admin", slg: "acme" },
    };
    const result = await t.withIdentity(identity).mutation(api.private.organizations.bootstrap, {
      name: "Acme",
    });
    expect(result).toEqual({ organizationId: "org_v2", role: "admin", created: true });
    const current = await t.withIdentity(identity).query(api.private.organizations.current, {});
    expect(current).toMatchObject({ organizationId: "org_v2", name: "Acme", role: "admin" });
  });

  test("refuses callers without an identity or without an organization", async () => {
    const t = setup();
    expect(await errorData(t.mutation(api.private.organizations.bootstrap, {}))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const noOrg = t.withIdentity({
      subject: "u",
      issuer: TEST_ISSUER,
      tokenIdentifier: `${TEST_ISSUER}|u`,
    });
    expect(await errorData(noOrg.mutation(api.private.organizations.bootstrap, {}))).toMatchObject({
      code: "FORBIDDEN",
    });
    const rows = await t.run(async (ctx) => ctx.db.query("organizations").collect());
    expect(rows).toEqual([]);
  });
});

describe("private/organizations.current", () => {
  test("returns the caller's organization, role and plan", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(await asOperator(t, "org_a").query(api.private.organizations.current, {})).toEqual({
      organizationId: "org_a",
      name: "Organization org_a",
      role: "operator",
      plan: "free",
      features: { voice: false, outboundWebhooks: false, apiKeys: false },
      billing: { status: "active" },
      user: { name: "operator of org_a", email: "operator_org_a@example.com" },
    });
  });

  test("reports the plan in force (kept by Clerk's webhooks, see http.test.ts)", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const setPlan = (plan: "pro" | "free") =>
      t.run(async (ctx) => {
        const sub = await ctx.db
          .query("subscriptions")
          .withIndex("by_organization_id", (q) => q.eq("organizationId", org._id))
          .unique();
        await ctx.db.patch("subscriptions", sub!._id, { plan });
      });
    await setPlan("pro");
    expect((await asAdmin(t, "org_a").query(api.private.organizations.current, {})).plan).toBe(
      "pro",
    );
    await setPlan("free");
    expect((await asAdmin(t, "org_a").query(api.private.organizations.current, {})).plan).toBe(
      "free",
    );
  });

  test("asks a member whose organization is not set up yet to finish setup", async () => {
    const t = setup();
    expect(
      await errorData(asAdmin(t, "org_new").query(api.private.organizations.current, {})),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
