/**
 * The row-level rules every public/ and private/ builder wraps `ctx.db` with
 * (`lib/tenancy.ts`), tested through handlers that do the worst a handler
 * could: read, write and delete whatever id they are handed, with no check of
 * their own. The suites in `isolation.test.ts` test the real functions.
 */
import { makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { describe, expect, test } from "vitest";

import {
  asAdmin,
  createOrganization,
  createVisitor,
  setup,
  snapshotTables,
  type Test,
} from "../../test/setup";
import { api } from "../_generated/api";
import type { TableNames } from "../_generated/dataModel";
import schema from "../schema";
import {
  memberMutation,
  orgAction,
  orgMutation,
  orgQuery,
  visitorMutation,
  visitorQuery,
  widgetMutation,
  widgetQuery,
} from "./functions";
import { TABLE_RULES } from "./tenancy";

const vTable = v.string();
const vId = v.string();
type Target = { table: string; id: string };

/** Handlers that trust any id they are given: only the rules stand in their way. */
const careless = {
  read: orgQuery({
    args: { table: vTable, id: vId },
    returns: v.any(),
    handler: async (ctx, { table, id }: Target) => ctx.db.get(table as TableNames, id as never),
  }),
  readAll: orgQuery({
    args: { table: vTable },
    returns: v.array(v.string()),
    handler: async (ctx, { table }: { table: string }) =>
      (await ctx.db.query(table as TableNames).take(1000)).map((doc) => doc._id as string),
  }),
  patch: orgMutation({
    args: { table: vTable, id: vId },
    returns: v.null(),
    handler: async (ctx, { table, id }: Target) => {
      await ctx.db.patch(table as TableNames, id as never, { updatedAt: 1 } as never);
      return null;
    },
  }),
  remove: orgMutation({
    args: { table: vTable, id: vId },
    returns: v.null(),
    handler: async (ctx, { table, id }: Target) => {
      await ctx.db.delete(table as TableNames, id as never);
      return null;
    },
  }),
  insertInto: orgMutation({
    args: { organizationId: v.id("organizations") },
    returns: v.null(),
    handler: async (ctx, { organizationId }) => {
      await ctx.db.insert("cannedResponses", {
        organizationId,
        title: "Planted",
        shortcut: "planted",
        body: "Planted by another organization",
        updatedAt: 1,
      });
      return null;
    },
  }),
  visitorRead: visitorQuery({
    args: { table: vTable, id: vId },
    returns: v.any(),
    handler: async (ctx, { table, id }: Target) => ctx.db.get(table as TableNames, id as never),
  }),
  visitorPatch: visitorMutation({
    args: { table: vTable, id: vId },
    returns: v.null(),
    handler: async (ctx, { table, id }: Target) => {
      await ctx.db.patch(table as TableNames, id as never, { lastMessageAt: 1 } as never);
      return null;
    },
  }),
};

const fn = <Kind extends "query" | "mutation">(name: keyof typeof careless) =>
  makeFunctionReference<Kind>(`private/carelessProbe:${name}`);

async function world() {
  const t = setup({ "../convex/private/carelessProbe.ts": () => Promise.resolve(careless) });
  const orgA = await createOrganization(t, "org_a");
  const orgB = await createOrganization(t, "org_b");
  const visitorA = await createVisitor(t, "org_a", "Ada");
  const otherVisitorA = await createVisitor(t, "org_a", "Alan");
  const conversationA = await t.mutation(api.public.conversations.create, {
    sessionToken: visitorA,
  });
  const cannedA = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
    title: "A's reply",
    shortcut: "hello",
    body: "Hello from A",
  });
  return { t, orgA, orgB, visitorA, otherVisitorA, conversationA, cannedA };
}

/** Ids of every row of org A's, across all tables (users of A included). */
async function rowsOf(t: Test, orgId: string) {
  const tables = await snapshotTables(t);
  const org = tables.organizations.find((o) => o.externalId === orgId)!;
  const members = new Set(
    tables.memberships.filter((m) => m.organizationId === org._id).map((m) => m.userId as string),
  );
  const rows: Target[] = [{ table: "organizations", id: org._id }];
  for (const [table, docs] of Object.entries(tables)) {
    for (const doc of docs as { _id: string; organizationId?: string }[]) {
      if (doc.organizationId === org._id) rows.push({ table, id: doc._id });
      if (table === "users" && members.has(doc._id)) rows.push({ table, id: doc._id });
    }
  }
  return rows;
}

describe("row-level rules", () => {
  test("every table in schema.ts has a rule", () => {
    expect(Object.keys(TABLE_RULES).sort()).toEqual(Object.keys(schema.tables).sort());
  });

  test("another organization's rows read as absent, whatever id a handler is given", async () => {
    const { t } = await world();
    const rowsOfA = await rowsOf(t, "org_a");
    expect(rowsOfA.length).toBeGreaterThan(10);
    const asB = asAdmin(t, "org_b");
    for (const target of rowsOfA) {
      expect(await asB.query(fn<"query">("read"), target), JSON.stringify(target)).toBeNull();
    }
    // A's admin, through the same handler, reads them all.
    for (const target of rowsOfA) {
      expect(await asAdmin(t, "org_a").query(fn<"query">("read"), target)).not.toBeNull();
    }
    // Table scans skip them too.
    const seenByB = new Set<string>();
    for (const table of Object.keys(schema.tables)) {
      const ids = (await asB.query(fn<"query">("readAll"), { table })) as string[];
      for (const id of ids) seenByB.add(id);
    }
    expect(rowsOfA.filter(({ id }) => seenByB.has(id))).toEqual([]);
  });

  test("another organization's rows can be neither written nor deleted, nor inserted for it", async () => {
    const { t, orgA } = await world();
    const rowsOfA = await rowsOf(t, "org_a");
    const before = await snapshotTables(t);
    const asB = asAdmin(t, "org_b");
    for (const target of rowsOfA) {
      await expect(asB.mutation(fn<"mutation">("patch"), target)).rejects.toThrow(
        /no read access or doc does not exist/,
      );
      await expect(asB.mutation(fn<"mutation">("remove"), target)).rejects.toThrow(
        /no read access or doc does not exist/,
      );
    }
    await expect(
      asB.mutation(fn<"mutation">("insertInto"), { organizationId: orgA._id }),
    ).rejects.toThrow(/insert access not allowed/);
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("a visitor reaches their own session and conversations only, even within the organization", async () => {
    const { t, visitorA, otherVisitorA, conversationA, cannedA } = await world();
    const target = { table: "conversations", id: conversationA };
    expect(
      await t.query(fn<"query">("visitorRead"), { sessionToken: visitorA, ...target }),
    ).not.toBeNull();
    expect(
      await t.query(fn<"query">("visitorRead"), { sessionToken: otherVisitorA, ...target }),
    ).toBeNull();
    // The organization's other rows stay out of reach of the wrong session too.
    await expect(
      t.mutation(fn<"mutation">("visitorPatch"), { sessionToken: otherVisitorA, ...target }),
    ).rejects.toThrow(/no read access or doc does not exist/);
    // Organization-owned rows without a session are the organization's (canned replies are
    // never read by visitors' functions, but the rule is the organization's).
    expect(
      await t.query(fn<"query">("visitorRead"), {
        sessionToken: otherVisitorA,
        table: "cannedResponses",
        id: cannedA,
      }),
    ).not.toBeNull();
  });
});

describe("builders", () => {
  test("refuse a definition without `returns`, naming where it is", () => {
    const builders = [
      ...[orgQuery, orgMutation, orgAction, memberMutation],
      ...[visitorQuery, visitorMutation, widgetQuery, widgetMutation],
    ];
    for (const builder of builders) {
      expect(() =>
        (builder as (definition: unknown) => unknown)({ args: {}, handler: () => null }),
      ).toThrow(/lib\/tenancy\.test\.ts:\d+ has no `returns` validator/);
    }
  });

  test("refuse a definition without `args`", () => {
    expect(() =>
      (orgQuery as (definition: unknown) => unknown)({
        returns: v.null(),
        handler: () => null,
      }),
    ).toThrow(/has no `args` validator/);
  });
});
