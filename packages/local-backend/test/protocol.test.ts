/**
 * The sync protocol on the wire, with a raw WebSocket: the facts the official
 * client depends on (versions chained exactly, u64 timestamps as 8-byte
 * little-endian base64, mutation timestamps reached by a Transition, auth
 * confirmed by an identity bump, refused with AuthError), asserted message by
 * message.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import type { StateVersion } from "../src/protocol.js";
import {
  createIssuer,
  memberClaims,
  RawSyncClient,
  startBackend,
  trustIssuer,
  type Issuer,
} from "./support.js";

let issuer: Issuer;
let backend: LocalBackend;

/** Decode a wire timestamp independently of the runtime's own helper. */
function u64(encoded: string): bigint {
  const bytes = Buffer.from(encoded, "base64");
  expect(bytes).toHaveLength(8);
  return bytes.readBigUInt64LE();
}

const settingsQuery = (queryId: number, organizationId: string) => ({
  type: "Add",
  queryId,
  udfPath: "public/widgetSettings:getByOrganization",
  args: [{ organizationId }],
});

beforeAll(async () => {
  issuer = await createIssuer();
  trustIssuer(issuer.jwksDataUri);
  backend = await startBackend();
});

afterAll(async () => {
  await backend.close();
});

describe("transitions", () => {
  test("chain their versions and reach every mutation's timestamp", async () => {
    const client = await RawSyncClient.connect(backend.url);

    client.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [settingsQuery(0, "org_wire")],
    });
    const first = await client.expect("Transition");
    expect(first.startVersion).toEqual({ querySet: 0, identity: 0, ts: "AAAAAAAAAAA=" });
    expect(first.endVersion).toMatchObject({ querySet: 1, identity: 0 });
    expect(u64(first.endVersion.ts)).toBeGreaterThanOrEqual(0n);
    expect(first.modifications).toEqual([
      expect.objectContaining({
        type: "QueryFailed",
        queryId: 0,
        errorData: { code: "NOT_FOUND", message: "This support widget is not configured." },
        journal: null,
      }),
    ]);

    client.send({
      type: "Authenticate",
      tokenType: "User",
      baseVersion: 0,
      value: await issuer.sign(memberClaims("org_wire", "admin")),
    });
    const confirmed = await client.expect("Transition");
    expect(confirmed.startVersion).toEqual(first.endVersion);
    expect(confirmed.endVersion).toMatchObject({ querySet: 1, identity: 1 });
    // The widget query does not depend on who asks: nothing changed, nothing is resent.
    expect(confirmed.modifications).toEqual([]);

    client.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "private/organizations:bootstrap",
      args: [{}],
    });
    const response = await client.expect("MutationResponse");
    expect(response).toMatchObject({ requestId: 0, success: true, result: { created: true } });
    if (!response.success) throw new Error("unreachable");
    const committedAt = u64(response.ts);
    expect(committedAt).toBeGreaterThan(u64(confirmed.endVersion.ts));

    const update = await client.expect("Transition");
    expect(update.startVersion).toEqual(confirmed.endVersion);
    expect(u64(update.endVersion.ts)).toBeGreaterThanOrEqual(committedAt);
    expect(update.modifications).toEqual([
      expect.objectContaining({
        type: "QueryUpdated",
        queryId: 0,
        value: expect.objectContaining({ organizationId: "org_wire" }) as unknown,
      }),
    ]);

    client.send({
      type: "ModifyQuerySet",
      baseVersion: 1,
      newVersion: 2,
      modifications: [{ type: "Remove", queryId: 0 }],
    });
    const removed = await client.expect("Transition");
    expect(removed.startVersion).toEqual(update.endVersion);
    expect(removed.endVersion).toMatchObject({ querySet: 2, identity: 1 });
    expect(removed.modifications).toEqual([{ type: "QueryRemoved", queryId: 0 }]);
    client.close();
  });

  test("other connections are only sent what changed for them", async () => {
    const watcher = await RawSyncClient.connect(backend.url);
    watcher.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [settingsQuery(0, "org_quiet"), settingsQuery(1, "org_busy")],
    });
    const initial = await watcher.expect("Transition");
    expect(initial.modifications).toHaveLength(2);

    const writer = await RawSyncClient.connect(backend.url);
    writer.send({
      type: "Authenticate",
      tokenType: "User",
      baseVersion: 0,
      value: await issuer.sign(memberClaims("org_busy", "admin")),
    });
    writer.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "private/organizations:bootstrap",
      args: [{}],
    });
    const written = await writer.expectEach("Transition", "MutationResponse");
    expect(written.Transition).toMatchObject({ endVersion: { identity: 1 } });
    expect(written.MutationResponse).toMatchObject({ success: true });

    const change = await watcher.expect("Transition");
    expect(change.startVersion).toEqual(initial.endVersion);
    expect(change.modifications).toEqual([
      expect.objectContaining({ type: "QueryUpdated", queryId: 1 }),
    ]);
    watcher.close();
    writer.close();
  });
});

describe("authentication", () => {
  test("a refused token gets an AuthError against the current identity version, then the connection closes", async () => {
    const forger = await createIssuer();
    const client = await RawSyncClient.connect(backend.url);
    client.send({
      type: "Authenticate",
      tokenType: "User",
      baseVersion: 0,
      value: await forger.sign(memberClaims("org_x", "admin")),
    });
    const error = await client.expect("AuthError");
    expect(error).toEqual({
      type: "AuthError",
      error: "Could not verify the token's signature with the provider's keys (JWKS).",
      baseVersion: 0,
      authUpdateAttempted: true,
    });
    expect((await client.closed).reason).toBe("AuthError");
  });

  test("a token that expires while connected is reported when next used", async () => {
    const client = await RawSyncClient.connect(backend.url);
    const token = await issuer.sign(memberClaims("org_expiring", "admin"), { expiresIn: 1 });
    client.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: token });
    expect(await client.expect("Transition")).toMatchObject({ endVersion: { identity: 1 } });
    // Let the one-second token lapse (exp has second granularity).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    client.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "private/organizations:bootstrap",
      args: [{}],
    });
    expect(await client.expect("AuthError")).toEqual({
      type: "AuthError",
      error: "Token expired: its exp claim is in the past.",
      baseVersion: 1,
      authUpdateAttempted: false,
    });
    await client.closed;
  });

  test("admin auth is refused when the backend has no admin key", async () => {
    const client = await RawSyncClient.connect(backend.url);
    client.send({ type: "Authenticate", tokenType: "Admin", baseVersion: 0, value: "guess" });
    expect(await client.expect("AuthError")).toMatchObject({
      baseVersion: 0,
      authUpdateAttempted: true,
    });
    await client.closed;
  });

  test("tokenType None signs out with an identity bump", async () => {
    const client = await RawSyncClient.connect(backend.url);
    client.send({
      type: "Authenticate",
      tokenType: "User",
      baseVersion: 0,
      value: await issuer.sign(memberClaims("org_none", "admin")),
    });
    const signedIn = await client.expect("Transition");
    expect(signedIn.endVersion.identity).toBe(1);
    client.send({ type: "Authenticate", tokenType: "None", baseVersion: 1 });
    const signedOut = await client.expect("Transition");
    expect(signedOut.startVersion).toEqual(signedIn.endVersion);
    expect(signedOut.endVersion.identity).toBe(2);
    client.close();
  });
});

describe("protocol errors", () => {
  test.each([
    [
      "a stale query set version",
      { type: "ModifyQuerySet", baseVersion: 3, newVersion: 4, modifications: [] },
    ],
    ["a stale identity version", { type: "Authenticate", tokenType: "None", baseVersion: 5 }],
    ["an unknown message", { type: "Subscribe" }],
  ])("%s is a FatalError", async (_name, message) => {
    const client = await RawSyncClient.connect(backend.url);
    client.send(message);
    const fatal = await client.expect("FatalError");
    expect(fatal.error).toMatch(/version|Unknown client message/);
    expect((await client.closed).code).toBe(1008);
  });
});

describe("requests", () => {
  test("a mutation resent on a new connection of the same session runs once", async () => {
    const sessionId = crypto.randomUUID();
    const token = await issuer.sign(memberClaims("org_once", "admin"));
    const mutation = {
      type: "Mutation",
      requestId: 7,
      udfPath: "private/organizations:bootstrap",
      args: [{}],
    };

    const first = await RawSyncClient.connect(backend.url, sessionId);
    first.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: token });
    first.send(mutation);
    const original = (await first.expectEach("Transition", "MutationResponse")).MutationResponse;
    expect(original).toMatchObject({ success: true, result: { created: true } });
    first.close();

    const second = await RawSyncClient.connect(backend.url, sessionId);
    second.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: token });
    second.send(mutation);
    expect((await second.expectEach("Transition", "MutationResponse")).MutationResponse).toEqual(
      original,
    );

    second.send({ ...mutation, requestId: 8 });
    expect(await second.expect("MutationResponse")).toMatchObject({
      success: true,
      result: { created: false },
    });
    second.close();
  });

  test("functions are checked against the kind the client asked for", async () => {
    const client = await RawSyncClient.connect(backend.url);
    client.send({
      type: "Action",
      requestId: 1,
      udfPath: "public/widgetSettings:getByOrganization",
      args: [{ organizationId: "x" }],
    });
    const action = await client.expect("ActionResponse");
    expect(action).toMatchObject({ requestId: 1, success: false });
    expect(action.result).toContain(
      "Trying to execute public/widgetSettings:getByOrganization as Action, but it is defined as Query.",
    );
    client.send({ type: "Mutation", requestId: 2, udfPath: "lib/missing:nothing", args: [{}] });
    const missing = await client.expect("MutationResponse");
    expect(missing).toMatchObject({ requestId: 2, success: false });
    expect(missing.result).toContain("Could not find public function for 'lib/missing:nothing'");
    client.close();
  });

  test("bad arguments fail the query, not the connection", async () => {
    const client = await RawSyncClient.connect(backend.url);
    client.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [
        {
          type: "Add",
          queryId: 0,
          udfPath: "public/widgetSettings:getByOrganization",
          args: [{ organizationId: 42 }],
        },
      ],
    });
    const transition = await client.expect("Transition");
    expect(transition.modifications).toEqual([
      expect.objectContaining({
        type: "QueryFailed",
        queryId: 0,
        errorMessage: expect.stringContaining(
          "Validator error: Expected `string`, got `42`",
        ) as unknown,
      }),
    ]);
    const endVersion: StateVersion = transition.endVersion;
    expect(endVersion.querySet).toBe(1);
    client.close();
  });
});
