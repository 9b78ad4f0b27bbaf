/**
 * Bad input: every client-callable function rejects arguments of the wrong
 * type and oversized strings with a clear error, and writes nothing.
 * Like the isolation suite, it fails when a function has no case here.
 */
import { makeFunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";

import {
  asAdmin,
  clientFunctions,
  createOrganization,
  createVisitor,
  setup,
  snapshotTables,
  type Test,
} from "../test/setup";
import { api } from "./_generated/api";

async function world() {
  const t = setup();
  await createOrganization(t, "org_a");
  const sessionToken = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  return { t, sessionToken, conversationId };
}
type World = Awaited<ReturnType<typeof world>>;
type Args = Record<string, unknown>;

const long = (n: number) => "x".repeat(n);
const page = { numItems: 10, cursor: null };

/** For each function: who calls it, arguments of a wrong type, and an oversized variant. */
const cases: Record<
  string,
  { as: "anonymous" | "admin"; wrongType: (w: World) => Args; oversized: (w: World) => Args }
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
  "public/contactSessions:create": {
    as: "anonymous",
    wrongType: () => ({ organizationId: "org_a", metadata: "browser" }),
    oversized: () => ({ organizationId: "org_a", metadata: { pageUrl: long(3000) } }),
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
    oversized: () => ({ organizationId: long(10_000) }),
  },
  "private/vapi:connect": {
    as: "admin",
    wrongType: () => ({ publicKey: 1, privateKey: "key" }),
    oversized: () => ({ publicKey: "public", privateKey: long(201) }),
  },
  "private/vapi:disconnect": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: () => ({ organizationId: long(10_000) }),
  },
  "private/organizations:bootstrap": {
    as: "admin",
    wrongType: () => ({ name: 5 }),
    oversized: () => ({ name: long(121) }),
  },
  "private/organizations:current": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: () => ({ organizationId: long(10_000) }),
  },
  "private/widgetSettings:generateLogoUploadUrl": {
    as: "admin",
    wrongType: () => ({ storageId: 1 }),
    oversized: () => ({ name: long(10_000) }),
  },
  "private/widgetSettings:setLogo": {
    as: "admin",
    wrongType: () => ({ storageId: 42 }),
    oversized: () => ({ storageId: long(3000) }),
  },
  "private/widgetSettings:get": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: () => ({ organizationId: long(10_000) }),
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
    oversized: () => ({ conversationId: long(3000) }),
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
    oversized: () => ({ conversationId: long(3000), status: "resolved" }),
  },
  "private/messages:list": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, paginationOpts: true }),
    oversized: ({ conversationId }) => ({
      conversationId,
      paginationOpts: { numItems: 10, cursor: long(3000) },
    }),
  },
  "private/messages:send": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, body: ["hi"] }),
    oversized: ({ conversationId }) => ({ conversationId, body: long(4001) }),
  },
  "private/conversations:counts": {
    as: "admin",
    wrongType: () => ({ status: 1 }),
    oversized: () => ({ status: long(3000) }),
  },
  "private/conversations:search": {
    as: "admin",
    wrongType: () => ({ query: 42 }),
    oversized: () => ({ query: long(201) }),
  },
  "private/conversations:assign": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, assigneeId: 7 }),
    oversized: ({ conversationId }) => ({ conversationId, assigneeId: long(3000) }),
  },
  "private/conversations:markRead": {
    as: "admin",
    wrongType: () => ({ conversationId: false }),
    oversized: () => ({ conversationId: long(3000) }),
  },
  "private/messages:addNote": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, body: { text: "hi" } }),
    oversized: ({ conversationId }) => ({ conversationId, body: long(4001) }),
  },
  "private/typing:set": {
    as: "admin",
    wrongType: ({ conversationId }) => ({ conversationId, typing: "yes" }),
    oversized: () => ({ conversationId: long(3000), typing: true }),
  },
  "private/typing:get": {
    as: "admin",
    wrongType: () => ({ conversationId: [] }),
    oversized: () => ({ conversationId: long(3000) }),
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
    oversized: () => ({ shortcut: long(3000) }),
  },
  "private/cannedResponses:create": {
    as: "admin",
    wrongType: () => ({ title: "Refunds", shortcut: 5, body: "We refund." }),
    oversized: () => ({ title: long(81), shortcut: "refund", body: "We refund." }),
  },
  "private/cannedResponses:update": {
    as: "admin",
    wrongType: () => ({ id: 1, title: "Refunds", shortcut: "refund", body: "We refund." }),
    oversized: () => ({ id: long(3000), title: "Refunds", shortcut: "refund", body: long(4001) }),
  },
  "private/cannedResponses:remove": {
    as: "admin",
    wrongType: () => ({ id: null }),
    oversized: () => ({ id: long(3000) }),
  },
  "private/suggestions:suggest": {
    as: "admin",
    wrongType: () => ({ conversationId: 12 }),
    oversized: () => ({ conversationId: long(3000) }),
  },
  "private/notifications:list": {
    as: "admin",
    wrongType: () => ({ paginationOpts: { numItems: "ten", cursor: null } }),
    oversized: () => ({ paginationOpts: { numItems: 10, cursor: long(3000) } }),
  },
  "private/notifications:unreadCount": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: () => ({ organizationId: long(10_000) }),
  },
  "private/notifications:markRead": {
    as: "admin",
    wrongType: () => ({ through: "now" }),
    oversized: () => ({ through: long(3000) }),
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
  "private/knowledgeBase:addText": {
    as: "admin",
    wrongType: () => ({ title: "Refunds", text: 5 }),
    oversized: () => ({ title: "Refunds", text: long(100_001) }),
  },
  "private/knowledgeBase:remove": {
    as: "admin",
    wrongType: () => ({ sourceId: 5 }),
    oversized: () => ({ sourceId: long(3000) }),
  },
  "private/members:list": {
    as: "admin",
    wrongType: () => ({ organizationId: 1 }),
    oversized: () => ({ organizationId: long(10_000) }),
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
    oversized: () => ({ membershipId: long(3000), role: "admin" }),
  },
  "private/members:remove": {
    as: "admin",
    wrongType: () => ({ membershipId: null }),
    oversized: () => ({ membershipId: long(3000) }),
  },
  "private/billing:get": {
    as: "admin",
    wrongType: () => ({ period: 5 }),
    oversized: () => ({ period: long(10_000) }),
  },
  "private/onboarding:get": {
    as: "admin",
    wrongType: () => ({ dashboardOrigin: 5 }),
    oversized: () => ({ dashboardOrigin: `https://${long(2100)}.test` }),
  },
};

/** Convex's message for arguments that fail validation (convex-test words it slightly differently). */
const VALIDATOR_ERROR = /Validator error|ArgumentValidationError/;

async function call(
  t: Pick<Test, "query" | "mutation" | "action">,
  kind: string,
  name: string,
  args: Args,
): Promise<unknown> {
  if (kind === "query") return t.query(makeFunctionReference<"query">(name), args);
  if (kind === "mutation") return t.mutation(makeFunctionReference<"mutation">(name), args);
  return t.action(makeFunctionReference<"action">(name), args);
}

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
      const error = await rejection(call(caller, kind, name, spec.wrongType(w)));
      expect(error.code).toBeUndefined();
      expect(error.message).toMatch(VALIDATOR_ERROR);
      expect(await snapshotTables(w.t)).toEqual(before);
    });

    test(`${name} rejects oversized input with a clear error and writes nothing`, async () => {
      const w = await world();
      const caller = spec.as === "admin" ? asAdmin(w.t, "org_a") : w.t;
      const before = await snapshotTables(w.t);
      const error = await rejection(call(caller, kind, name, spec.oversized(w)));
      if (error.code === undefined) expect(error.message).toMatch(VALIDATOR_ERROR);
      else {
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.message).toMatch(/too long|too many/);
      }
      expect(await snapshotTables(w.t)).toEqual(before);
    });
  }
});
