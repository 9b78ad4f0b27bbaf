/**
 * The one test setup for backend tests: a convex-test instance over the real
 * schema and modules with every component registered, plus the actors tests
 * act as (`asAdmin`, `asOperator`, `asVisitor`, …) for any organization.
 */
import rateLimiter from "@convex-dev/rate-limiter/test";
import { convexTest } from "convex-test";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";

import { api } from "../convex/_generated/api";
import type { Doc } from "../convex/_generated/dataModel";
import schema from "../convex/schema";

/** Every function module; an explicit list, since convex-test's documented glob matches nothing under vite 8. */
export const modules = import.meta.glob([
  "../convex/**/*.{ts,js}",
  "!../convex/**/*.test.ts",
  "!../convex/**/*.d.ts",
]);

/** `extraModules` adds functions only a test defines (e.g. a deliberately careless handler). */
export function setup(extraModules: Record<string, () => Promise<unknown>> = {}) {
  const t = convexTest(schema, { ...modules, ...extraModules });
  rateLimiter.register(t);
  return t;
}

export type Test = ReturnType<typeof setup>;

export const TEST_ISSUER = "https://auth.parley.test";

/** A dashboard user's identity as Clerk's `convex` JWT template would describe it. */
export function memberIdentity(
  orgId: string,
  role: "admin" | "operator",
  user = `${role}_${orgId}`,
) {
  return {
    subject: user,
    issuer: TEST_ISSUER,
    tokenIdentifier: `${TEST_ISSUER}|${user}`,
    name: `${role} of ${orgId}`,
    email: `${user}@example.com`,
    org_id: orgId,
    org_role: role === "admin" ? "org:admin" : "org:member",
    org_name: `Organization ${orgId}`,
  };
}

export const asAdmin = (t: Test, orgId: string) => t.withIdentity(memberIdentity(orgId, "admin"));
export const asOperator = (t: Test, orgId: string) =>
  t.withIdentity(memberIdentity(orgId, "operator"));

/** An organization as it is after its admin's and operator's first sign-in. */
export async function createOrganization(t: Test, orgId: string) {
  await asAdmin(t, orgId).mutation(api.private.organizations.bootstrap, {});
  await asOperator(t, orgId).mutation(api.private.organizations.bootstrap, {});
  const organization = await t.run(async (ctx) =>
    ctx.db
      .query("organizations")
      .withIndex("by_external_id", (q) => q.eq("externalId", orgId))
      .unique(),
  );
  if (!organization) throw new Error(`bootstrap did not create ${orgId}`);
  return organization;
}

let addresses = 0;

/** A different client address on every call (documentation ranges), so visitors do not share a limit. */
export function nextAddress() {
  addresses += 1;
  return `198.51.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

/**
 * `POST /widget/sessions` as the widget sends it, from `address` (as the proxy
 * in front of the deployment reports it, in `X-Forwarded-For`).
 */
export async function postSession(t: Test, body: unknown, address: string | null = nextAddress()) {
  return await t.fetch("/widget/sessions", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(address === null ? {} : { "X-Forwarded-For": address }),
    },
    body: JSON.stringify(body),
  });
}

/** Start a session through the route; throws the route's `{ code, message }` as a ConvexError. */
export async function startSession(
  t: Test,
  body: Record<string, unknown> & { organizationId: string },
  address?: string | null,
): Promise<{ sessionToken: string; expiresAt: number }> {
  const response = await postSession(t, { metadata: {}, ...body }, address);
  const data = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new ConvexError(data as { code: string; message: string });
  return data as { sessionToken: string; expiresAt: number };
}

/** A visitor's session token on the organization's widget. */
export async function createVisitor(t: Test, orgId: string, name = "Visitor") {
  const { sessionToken } = await startSession(t, {
    organizationId: orgId,
    name,
    email: `${name.toLowerCase().replace(/\W+/g, ".")}@visitor.test`,
    metadata: { userAgent: "vitest", language: "en-US", timezone: "UTC" },
  });
  return sessionToken;
}

/**
 * Every row of every table, and every stored file's metadata (`_storage`),
 * for asserting that a rejected call wrote nothing.
 */
export async function snapshotTables(t: Test) {
  return await t.run(async (ctx) => {
    const tables = Object.keys(schema.tables) as (keyof typeof schema.tables)[];
    const entries = await Promise.all(
      tables.map(async (table) => [table, await ctx.db.query(table).collect()] as const),
    );
    const storage = await ctx.db.system.query("_storage").collect();
    return { ...Object.fromEntries(entries), _storage: storage } as {
      [T in keyof typeof schema.tables]: Doc<T>[];
    } & { _storage: typeof storage };
  });
}

/** The `data` of a ConvexError thrown by `promise`, failing the test if it resolves. */
export async function errorData(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    if (typeof data === "object" && data !== null && "code" in data) {
      return data as { code: string; message: string };
    }
    throw error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export type RegisteredFunction = { name: string; kind: "query" | "mutation" | "action" };

/**
 * Every client-callable function (`public/` and `private/`), discovered from
 * the modules themselves at test time, so a new function cannot slip past the
 * suites that must cover it.
 */
export async function clientFunctions(): Promise<RegisteredFunction[]> {
  const found: RegisteredFunction[] = [];
  for (const [file, load] of Object.entries(modules)) {
    const match = file.match(/^\.\.\/convex\/((?:public|private)\/.+)\.(?:ts|js)$/);
    if (!match) continue;
    const exports = (await load()) as Record<string, Record<string, unknown>>;
    for (const [exportName, value] of Object.entries(exports)) {
      if (typeof value !== "function" && typeof value !== "object") continue;
      const kind = value.isQuery
        ? "query"
        : value.isMutation
          ? "mutation"
          : value.isAction
            ? "action"
            : null;
      if (kind && value.isPublic) found.push({ name: `${match[1]}:${exportName}`, kind });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Call a client-callable function by its name (`private/things:update`), as a client would. */
export async function callFunction(
  t: Pick<Test, "query" | "mutation" | "action">,
  kind: RegisteredFunction["kind"],
  name: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  if (kind === "query") return t.query(makeFunctionReference<"query">(name), args);
  if (kind === "mutation") return t.mutation(makeFunctionReference<"mutation">(name), args);
  return t.action(makeFunctionReference<"action">(name), args);
}
