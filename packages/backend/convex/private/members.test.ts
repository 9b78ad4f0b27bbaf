import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  memberIdentity,
  setup,
  snapshotTables,
  TEST_ISSUER,
  type Test,
} from "../../test/setup";
import { api } from "../_generated/api";

const newcomer = { externalId: "user_new", name: "Nia Newcomer", email: "nia@example.com" };

async function membershipOf(t: Test, orgId: string, externalId: string) {
  const { members } = await asAdmin(t, orgId).query(api.private.members.list, {});
  const member = members.find((m) => m.externalId === externalId);
  if (!member) throw new Error(`${externalId} is not listed in ${orgId}`);
  return member;
}

async function auditActions(t: Test) {
  return (await t.run(async (ctx) => ctx.db.query("auditLogs").collect())).map((a) => a.action);
}

describe("private/members.list", () => {
  test("lists the organization's members with their profile and role, admins first", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const result = await asOperator(t, "org_a").query(api.private.members.list, {});
    expect(result).toMatchObject({
      more: false,
      soleAdmin: true,
      members: [
        {
          externalId: "admin_org_a",
          name: "admin of org_a",
          email: "admin_org_a@example.com",
          role: "admin",
          isYou: false,
        },
        {
          externalId: "operator_org_a",
          name: "operator of org_a",
          email: "operator_org_a@example.com",
          role: "operator",
          isYou: true,
        },
      ],
    });
  });

  test("refuses signed-out callers", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(await errorData(t.query(api.private.members.list, {}))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });
});

describe("private/members.add", () => {
  test("an admin adds a member who has never signed in; their first sign-in finds the same rows", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await asAdmin(t, "org_a").mutation(api.private.members.add, { ...newcomer, role: "operator" });
    expect(await membershipOf(t, "org_a", "user_new")).toMatchObject({
      name: "Nia Newcomer",
      email: "nia@example.com",
      role: "operator",
    });
    expect(await auditActions(t)).toContain("member.added");

    // Nia signs in: bootstrap links the same user and membership, no duplicates.
    const nia = {
      ...memberIdentity("org_a", "operator", "user_new"),
      name: "Nia N.",
      email: "nia@example.com",
    };
    await t.withIdentity(nia).mutation(api.private.organizations.bootstrap, {});
    const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
    expect(members.filter((m) => m.externalId === "user_new")).toMatchObject([
      { name: "Nia N.", role: "operator" },
    ]);
    const users = await t.run(async (ctx) =>
      ctx.db
        .query("users")
        .withIndex("by_token_identifier", (q) => q.eq("tokenIdentifier", `${TEST_ISSUER}|user_new`))
        .collect(),
    );
    expect(users).toHaveLength(1);
  });

  test("adding again is idempotent and sets the role", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const first = await admin.mutation(api.private.members.add, { ...newcomer, role: "operator" });
    const again = await admin.mutation(api.private.members.add, { ...newcomer, role: "admin" });
    expect(again).toBe(first);
    expect((await membershipOf(t, "org_a", "user_new")).role).toBe("admin");
  });

  test("does not link another person's account by id alone", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.members.add, {
          externalId: "admin_org_a",
          name: "Someone",
          email: "guess@example.com",
          role: "operator",
        }),
      ),
    ).toMatchObject({ code: "CONFLICT" });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("operators cannot add members", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asOperator(t, "org_a").mutation(api.private.members.add, { ...newcomer, role: "admin" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("refuses empty names", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(
        asAdmin(t, "org_a").mutation(api.private.members.add, {
          ...newcomer,
          name: "  ",
          role: "operator",
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
  });
});

describe("private/members.changeRole", () => {
  test("an admin promotes and demotes a member; the audit log records it", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const operator = await membershipOf(t, "org_a", "operator_org_a");
    await admin.mutation(api.private.members.changeRole, {
      membershipId: operator.membershipId,
      role: "admin",
    });
    expect(await admin.query(api.private.members.list, {})).toMatchObject({ soleAdmin: false });
    await admin.mutation(api.private.members.changeRole, {
      membershipId: operator.membershipId,
      role: "operator",
    });
    expect((await membershipOf(t, "org_a", "operator_org_a")).role).toBe("operator");
    const logs = await t.run(async (ctx) => ctx.db.query("auditLogs").collect());
    expect(logs.filter((l) => l.action === "member.role_changed").map((l) => l.details)).toEqual([
      { from: "operator", to: "admin" },
      { from: "admin", to: "operator" },
    ]);
  });

  test("the last admin cannot be demoted, even by themselves", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const self = await membershipOf(t, "org_a", "admin_org_a");
    const before = await snapshotTables(t);
    const error = await errorData(
      asAdmin(t, "org_a").mutation(api.private.members.changeRole, {
        membershipId: self.membershipId,
        role: "operator",
      }),
    );
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect(error.message).toMatch(/only admin/);
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("with two admins, one can step down", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const operator = await membershipOf(t, "org_a", "operator_org_a");
    await admin.mutation(api.private.members.changeRole, {
      membershipId: operator.membershipId,
      role: "admin",
    });
    const self = await membershipOf(t, "org_a", "admin_org_a");
    await admin.mutation(api.private.members.changeRole, {
      membershipId: self.membershipId,
      role: "operator",
    });
    expect(await admin.query(api.private.members.list, {})).toMatchObject({ soleAdmin: true });
  });

  test("operators cannot change roles", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const self = await membershipOf(t, "org_a", "operator_org_a");
    expect(
      await errorData(
        asOperator(t, "org_a").mutation(api.private.members.changeRole, {
          membershipId: self.membershipId,
          role: "admin",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  test("another organization's member is not found", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const operatorOfA = await membershipOf(t, "org_a", "operator_org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.members.changeRole, {
          membershipId: operatorOfA.membershipId,
          role: "admin",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshotTables(t)).toEqual(before);
  });
});

describe("private/members.remove", () => {
  test("an admin removes a member; the audit log records it", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const operator = await membershipOf(t, "org_a", "operator_org_a");
    await asAdmin(t, "org_a").mutation(api.private.members.remove, {
      membershipId: operator.membershipId,
    });
    const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
    expect(members.map((m) => m.externalId)).toEqual(["admin_org_a"]);
    expect(await auditActions(t)).toContain("member.removed");
  });

  test("the last admin cannot be removed, and nobody removes themselves", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const self = await membershipOf(t, "org_a", "admin_org_a");
    expect(
      await errorData(
        admin.mutation(api.private.members.remove, { membershipId: self.membershipId }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });

    // A second admin cannot remove the first while the first is the only admin… which
    // cannot happen with two; so promote, then demote the caller and try the other way.
    const operator = await membershipOf(t, "org_a", "operator_org_a");
    await admin.mutation(api.private.members.changeRole, {
      membershipId: operator.membershipId,
      role: "admin",
    });
    await admin.mutation(api.private.members.changeRole, {
      membershipId: self.membershipId,
      role: "operator",
    });
    // The caller's token still says admin (it changes at their next sign-in), but the stored
    // membership now says operator, and the lower of the two applies at once.
    const before = await snapshotTables(t);
    const error = await errorData(
      admin.mutation(api.private.members.remove, { membershipId: operator.membershipId }),
    );
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshotTables(t)).toEqual(before);
    // And the new only admin cannot remove themselves.
    const other = t.withIdentity(memberIdentity("org_a", "admin", "operator_org_a"));
    expect(
      await errorData(
        other.mutation(api.private.members.remove, { membershipId: operator.membershipId }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  test("operators cannot remove members", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = await membershipOf(t, "org_a", "admin_org_a");
    expect(
      await errorData(
        asOperator(t, "org_a").mutation(api.private.members.remove, {
          membershipId: admin.membershipId,
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
  });

  test("another organization's member is not found", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const operatorOfA = await membershipOf(t, "org_a", "operator_org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.members.remove, {
          membershipId: operatorOfA.membershipId,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshotTables(t)).toEqual(before);
  });
});
