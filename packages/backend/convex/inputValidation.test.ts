/**
 * Bad input: every client-callable function rejects arguments of the wrong
 * type and oversized strings with a clear error, and writes nothing.
 * Like the isolation suite, it fails when a function has no case here.
 */
import { describe, expect, test } from "vitest";

import {
  asAdmin,
  callFunction,
  clientFunctions,
  createOrganization,
  createVisitor,
  modules,
  setup,
  snapshotTables,
} from "../test/setup";
import { api, internal } from "./_generated/api";

async function world() {
  const t = setup();
  await createOrganization(t, "org_a");
  const sessionToken = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  const cannedId = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
    title: "Refunds",
    shortcut: "refund",
    body: "We refund.",
  });
  const storageId = await t.run(async (ctx) => ctx.storage.store(new Blob(["# FAQ"])));
  await t.mutation(internal.system.knowledgeGaps.record, {
    conversationId,
    question: "Do you sell kayaks?",
  });
  const gapId = await t.run(async (ctx) => (await ctx.db.query("knowledgeGaps").first())!._id);
  return { t, sessionToken, conversationId, cannedId, storageId, gapId };
}
type World = Awaited<ReturnType<typeof world>>;
type Args = Record<string, unknown>;

const long = (n: number) => "x".repeat(n);
const page = { numItems: 10, cursor: null };

/**
 * Said of a function whose arguments are only ids, numbers, booleans and
 * literals: nothing in them can be too long (an id of the wrong shape is the
 * validator's to refuse). A test checks the claim against its validator.
 */
const NO_STRING_ARGUMENT = "no string or array argument";

/**
 * For each function: who calls it, arguments of a wrong type, and an
 * oversized variant (refused with `INVALID_INPUT`). To add a function, add
 * one entry.
 */
const cases: Record<
  string,
  {
    as: "anonymous" | "admin";
    wrongType: (w: World) => Args;
    oversized: ((w: World) => Args) | typeof NO_STRING_ARGUMENT;
  }
> = {
  "public/widgetSettings:frameAncestor": {
    as: "anonymous",
    wrongType: () => ({ organizationId: "org_a", hostOrigin: ["https://a.test"] }),
    oversized: () => ({ organizationId: "org_a", hostOrigin: `https://${long(2100)}.test` }),
  },
  "public/widgetSettings:getByOrganization": {
    as: "anonymous",
    wrongType: () => ({ organizationId: "org_a", hostOrigin: 42 }),
    oversized: () => ({ organizationId: "org_a", hostOrigin: `https://${long(2100)}.test` }),
  },
  "public/contactSessions:validate": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ organizationId: "org_a", sessionToken: [sessionToken] }),
    oversized: () => ({ organizationId: "org_a", sessionToken: long(5000) }),
  },
  "public/contactSessions:refresh": {
    as: "anonymous",
    wrongType: () => ({ sessionToken: null }),
    oversized: () => ({ sessionToken: long(129) }),
  },
  "public/conversations:create": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ sessionToken, channel: "video" }),
    oversized: () => ({ sessionToken: long(200) }),
  },
  "public/conversations:list": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({
      sessionToken,
      paginationOpts: { numItems: "10", cursor: null },
    }),
    oversized: ({ sessionToken }) => ({
      sessionToken,
      paginationOpts: { numItems: 10, cursor: long(3000) },
    }),
  },
  "public/conversations:get": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ sessionToken, conversationId: 7 }),
    oversized: ({ conversationId }) => ({ sessionToken: long(1000), conversationId }),
  },
  "public/voice:config": {
    as: "anonymous",
    wrongType: () => ({ sessionToken: 42 }),
    oversized: () => ({ sessionToken: long(200) }),
  },
  "public/voice:attachCall": {
    as: "anonymous",
    wrongType: ({ sessionToken, conversationId }) => ({ sessionToken, conversationId, callId: 7 }),
    oversized: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      callId: long(101),
    }),
  },
  "private/vapi:get": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/vapi:connect": {
    as: "admin",
    wrongType: () => ({ publicKey: 1, privateKey: "key" }),
    oversized: () => ({ publicKey: "public", privateKey: long(201) }),
  },
  "private/vapi:disconnect": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/organizations:bootstrap": {
    as: "admin",
    wrongType: () => ({ name: 5 }),
    oversized: () => ({ name: long(121) }),
  },
  "private/organizations:current": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/widgetSettings:generateLogoUploadUrl": {
    as: "admin",
    wrongType: () => ({ storageId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/widgetSettings:setLogo": {
    as: "admin",
    wrongType: () => ({ storageId: 42 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/widgetSettings:get": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/widgetSettings:update": {
    as: "admin",
    wrongType: () => ({ voiceEnabled: "yes" }),
    oversized: () => ({ greeting: long(501) }),
  },
  "private/conversations:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: page, status: "open" }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/conversations:get": {
    as: "admin",
    wrongType: () => ({ conversationId: { id: 1 } }),
    oversized: NO_STRING_ARGUMENT,
  },
  "public/conversations:escalate": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ sessionToken, conversationId: 5 }),
    oversized: ({ conversationId }) => ({ sessionToken: long(200), conversationId }),
  },
  "public/conversations:rate": {
    as: "anonymous",
    wrongType: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      rating: "5",
    }),
    oversized: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      rating: 5,
      comment: long(1001),
    }),
  },
  "public/messages:list": {
    as: "anonymous",
    wrongType: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      paginationOpts: 5,
    }),
    oversized: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      paginationOpts: { numItems: 10, cursor: long(3000) },
    }),
  },
  "public/messages:streaming": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ sessionToken, conversationId: { id: 1 } }),
    oversized: ({ conversationId }) => ({ sessionToken: long(200), conversationId }),
  },
  "public/messages:send": {
    as: "anonymous",
    wrongType: ({ sessionToken, conversationId }) => ({ sessionToken, conversationId, body: 5 }),
    oversized: ({ sessionToken, conversationId }) => ({
      sessionToken,
      conversationId,
      body: long(4001),
    }),
  },
  "private/conversations:setStatus": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, status: "closed" }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/messages:list": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, paginationOpts: true }),
    oversized: ({ conversationId }) => ({
      conversationId,
      paginationOpts: { numItems: 10, cursor: long(3000) },
    }),
  },
  "private/messages:streaming": {
    as: "admin",
    wrongType: () => ({ conversationId: 12 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/messages:send": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, body: ["hi"] }),
    oversized: ({ conversationId }) => ({ conversationId, body: long(4001) }),
  },
  "private/conversations:counts": {
    as: "admin",
    wrongType: () => ({ status: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/conversations:search": {
    as: "admin",
    wrongType: () => ({ query: 42 }),
    oversized: () => ({ query: long(201) }),
  },
  "private/conversations:assign": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, assigneeId: 7 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/conversations:markRead": {
    as: "admin",
    wrongType: () => ({ conversationId: false }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/messages:addNote": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, body: { text: "hi" } }),
    oversized: ({ conversationId }) => ({ conversationId, body: long(4001) }),
  },
  "private/typing:set": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, typing: "yes" }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/typing:get": {
    as: "admin",
    wrongType: () => ({ conversationId: [] }),
    oversized: NO_STRING_ARGUMENT,
  },
  "public/typing:set": {
    as: "anonymous",
    wrongType: ({ sessionToken, conversationId }) => ({ sessionToken, conversationId, typing: 1 }),
    oversized: ({ conversationId }) => ({ sessionToken: long(200), conversationId, typing: true }),
  },
  "public/typing:get": {
    as: "anonymous",
    wrongType: ({ sessionToken }) => ({ sessionToken, conversationId: 3 }),
    oversized: ({ conversationId }) => ({ sessionToken: long(200), conversationId }),
  },
  "private/cannedResponses:list": {
    as: "admin",
    wrongType: () => ({ shortcut: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/cannedResponses:create": {
    as: "admin",
    wrongType: () => ({ title: "Refunds", shortcut: 5, body: "We refund." }),
    oversized: () => ({ title: long(81), shortcut: "refund", body: "We refund." }),
  },
  "private/cannedResponses:update": {
    as: "admin",
    wrongType: () => ({ id: 1, title: "Refunds", shortcut: "refund", body: "We refund." }),
    oversized: ({ cannedId }) => ({
      id: cannedId,
      title: "Refunds",
      shortcut: "refund",
      body: long(4001),
    }),
  },
  "private/cannedResponses:remove": {
    as: "admin",
    wrongType: () => ({ id: null }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/suggestions:suggest": {
    as: "admin",
    wrongType: () => ({ conversationId: 12 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/notifications:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: { numItems: "ten", cursor: null } }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/notifications:unreadCount": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/notifications:markRead": {
    as: "admin",
    wrongType: () => ({ through: "now" }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/knowledgeBase:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: "all" }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/knowledgeGaps:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: { numItems: "ten", cursor: null } }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/knowledgeGaps:groups": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/knowledgeGaps:resolve": {
    as: "admin",
    wrongType: () => ({ gapIds: [], resolution: "deleted" }),
    oversized: ({ gapId }) => ({
      gapIds: Array.from({ length: 51 }, () => gapId),
      resolution: "dismissed",
    }),
  },
  "private/playground:ask": {
    as: "admin",
    wrongType: () => ({ question: 42 }),
    oversized: () => ({ question: long(501) }),
  },
  "private/playground:get": {
    as: "admin",
    wrongType: () => ({ runId: 5 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/playground:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: page, rating: "meh" }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/playground:rate": {
    as: "admin",
    wrongType: () => ({ runId: 5, rating: "good" }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/knowledgeBase:addText": {
    as: "admin",
    wrongType: () => ({ title: "Refunds", text: 5 }),
    oversized: () => ({ title: "Refunds", text: long(100_001) }),
  },
  "private/knowledgeBase:generateUploadUrl": {
    as: "admin",
    wrongType: () => ({ fileName: 5 }),
    oversized: () => ({ fileName: `${long(300)}.md` }),
  },
  "private/knowledgeBase:addFile": {
    as: "admin",
    wrongType: () => ({ storageId: 5 }),
    oversized: ({ storageId }) => ({ storageId, title: long(201) }),
  },
  "private/knowledgeBase:addUrl": {
    as: "admin",
    wrongType: () => ({ url: ["https://example.com"] }),
    oversized: () => ({ url: `https://example.com/${long(3000)}` }),
  },
  "private/knowledgeBase:reindex": {
    as: "admin",
    wrongType: () => ({ sourceId: 5 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/knowledgeBase:remove": {
    as: "admin",
    wrongType: () => ({ sourceId: 5 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/members:list": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/members:add": {
    as: "admin",
    wrongType: () => ({ externalId: "user_x", name: "X", email: "x@example.com", role: "owner" }),
    oversized: () => ({
      externalId: long(129),
      name: "X",
      email: "x@example.com",
      role: "operator",
    }),
  },
  "private/members:changeRole": {
    as: "admin",
    wrongType: () => ({ membershipId: 5, role: "admin" }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/members:remove": {
    as: "admin",
    wrongType: () => ({ membershipId: null }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/billing:get": {
    as: "admin",
    wrongType: () => ({ period: 5 }),
    oversized: NO_STRING_ARGUMENT,
  },
  "private/onboarding:get": {
    as: "admin",
    wrongType: () => ({ dashboardOrigin: 5 }),
    oversized: () => ({ dashboardOrigin: `https://${long(2100)}.test` }),
  },
};

/** Convex's message for arguments that fail validation (convex-test words it slightly differently). */
const VALIDATOR_ERROR = /Validator error|ArgumentValidationError/;

/** The rejection a call produced: our ConvexError data, or the validator's message. */
async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    return typeof data === "object" && data !== null
      ? (data as { code: string; message: string })
      : { message: String(error) };
  }
  throw new Error("expected the call to be rejected, but it succeeded");
}

const functions = await clientFunctions();

/** Validator types that cannot carry an oversized value (ids are checked by shape). */
const FIXED_SIZE =
  /^(id|number|float64|int64|bigint|boolean|literal|null|union\((id|number|float64|boolean|literal|null)(,(id|number|float64|boolean|literal|null))*\))$/;

/** A function's top-level arguments and their validator types, from what Convex exports of it. */
async function argumentFields(name: string): Promise<[string, string][]> {
  const [path, exportName] = name.split(":") as [string, string];
  const module = (await modules[`../convex/${path}.ts`]!()) as Record<
    string,
    { exportArgs: () => string }
  >;
  type Json = { type: string; value?: Json | Json[] | Record<string, { fieldType: Json }> };
  // Nested unions are flattened: union(union(literal,literal),null) is union(literal,literal,null).
  const leaves = (json: Json): string[] =>
    json.type === "union" ? (json.value as Json[]).flatMap(leaves) : [json.type];
  const typeOf = (json: Json): string =>
    json.type === "union" ? `union(${leaves(json).join(",")})` : json.type;
  const args = JSON.parse(module[exportName]!.exportArgs()) as Json;
  return Object.entries(args.value as Record<string, { fieldType: Json }>).map(
    ([field, { fieldType }]) => [field, typeOf(fieldType)],
  );
}

describe("bad input", () => {
  test("every public/ and private/ function has a bad-input case", () => {
    const names = functions.map((f) => f.name);
    expect(names.filter((name) => !(name in cases))).toEqual([]);
    expect(Object.keys(cases).filter((name) => !names.includes(name))).toEqual([]);
  });

  for (const { name, kind } of functions) {
    const spec = cases[name];
    if (!spec) continue;

    test(`${name} rejects wrong types and writes nothing`, async () => {
      const w = await world();
      const caller = spec.as === "admin" ? asAdmin(w.t, "org_a") : w.t;
      const before = await snapshotTables(w.t);
      const error = await rejection(callFunction(caller, kind, name, spec.wrongType(w)));
      expect(error.code).toBeUndefined();
      expect(error.message).toMatch(VALIDATOR_ERROR);
      expect(await snapshotTables(w.t)).toEqual(before);
    });

    const oversized = spec.oversized;
    if (oversized === NO_STRING_ARGUMENT) {
      test(`${name} has no argument that could be oversized`, async () => {
        const fields = await argumentFields(name);
        expect(fields.filter(([, type]) => !FIXED_SIZE.test(type))).toEqual([]);
      });
      continue;
    }

    test(`${name} rejects oversized input with INVALID_INPUT and writes nothing`, async () => {
      const w = await world();
      const caller = spec.as === "admin" ? asAdmin(w.t, "org_a") : w.t;
      const before = await snapshotTables(w.t);
      const error = await rejection(callFunction(caller, kind, name, oversized(w)));
      expect(error.code).toBe("INVALID_INPUT");
      expect(error.message).toMatch(/too long|too many/);
      expect(await snapshotTables(w.t)).toEqual(before);
    });
  }
});
