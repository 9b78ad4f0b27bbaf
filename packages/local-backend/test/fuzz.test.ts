/**
 * Bad input from anyone: random and malformed requests to every `public/`
 * function of Parley's backend, over the HTTP API and the sync protocol's
 * WebSocket. Nothing may crash (no 5xx but Convex's 560 "the function
 * failed"), every answer is a JSON error naming the problem without a stack
 * trace or a path of this machine, and the database does not change. Seeded,
 * so a failure replays; bounded in count.
 */
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { memberClaims, RawSyncClient, startBackend, startVisitorSession } from "./support.js";
import { useServerTests } from "./server.js";

const server = useServerTests();

const PUBLIC_DIR = fileURLToPath(new URL("../../backend/convex/public", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** Absolute paths that must not reach a client. */
const PRIVATE_PATHS = [REPO_ROOT, process.cwd(), os.tmpdir() + "/", os.homedir() + "/"];
const CASES_PER_FUNCTION = 14;
const SOCKET_CASES_PER_FUNCTION = 6;

type Kind = "query" | "mutation" | "action";
type PublicFunction = { path: string; kind: Kind };

/** Every public function, found as the runtime finds them: the registered exports of `public/`. */
async function publicFunctions(): Promise<PublicFunction[]> {
  const found: PublicFunction[] = [];
  const files = readdirSync(PUBLIC_DIR).filter(
    (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"),
  );
  for (const file of files.sort()) {
    const module = (await import(path.join(PUBLIC_DIR, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      const fn = value as { isQuery?: boolean; isMutation?: boolean; isAction?: boolean };
      const kind = fn.isQuery
        ? "query"
        : fn.isMutation
          ? "mutation"
          : fn.isAction
            ? "action"
            : null;
      if (kind) found.push({ path: `public/${file.slice(0, -3)}:${name}`, kind });
    }
  }
  return found;
}

/** mulberry32: small, seeded, good enough to pick inputs. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof prng>;

function randomString(random: Random): string {
  return random.pick([
    "",
    "a",
    "$",
    "$integer",
    "conversations",
    "k57ab0000000000000000000000000000",
    "\u0000\uffff\ud800",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x".repeat(random.int(3) === 0 ? 1_000_000 : 300),
  ]);
}

const DEEP = "\u0000deep\u0000";
const DEEP_JSON = `${"[".repeat(20_000)}1${"]".repeat(20_000)}`;

/** JSON text of a generated value (JSON.stringify cannot recurse 20,000 deep itself). */
function toJson(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(DEEP), DEEP_JSON);
}

/** A JSON value that Convex may or may not accept, biased towards the troublesome. */
function randomValue(random: Random, depth = 0): unknown {
  const choice = random.int(depth > 3 ? 6 : 12);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 2]);
    case 2:
      return random.next() < 0.5;
    case 3:
    case 4:
    case 5:
      return randomString(random);
    case 6:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    case 7: {
      // `$`-prefixed and special keys (Convex JSON's `$bytes`, `$integer`) with wrong contents.
      const key = random.pick(["$foo", "$bytes", "$integer", "$float", "$set", "$", "a.b", ""]);
      return { [key]: randomValue(random, depth + 1) };
    }
    case 8:
      // Deep nesting, past what the decoder can recurse through (spliced in by `toJson`).
      return DEEP;
    default: {
      const object: Record<string, unknown> = {};
      for (let index = random.int(5); index > 0; index--) {
        object[
          random.pick([
            "sessionToken",
            "organizationId",
            "conversationId",
            "body",
            "paginationOpts",
            "name",
            "$weird",
            "_id",
          ])
        ] = randomValue(random, depth + 1);
      }
      return object;
    }
  }
}

/** A request body for `fn`: mostly well-formed envelopes around bad args, sometimes not even JSON. */
function randomBody(random: Random, fn: PublicFunction): string {
  switch (random.int(8)) {
    case 0:
      return random.pick(["{", "null", "[]", "\u0000", '{"path":', "not json at all", "1e999999"]);
    case 1:
      return toJson({ path: fn.path, args: randomValue(random), format: "json" });
    case 2:
      return JSON.stringify({
        path: random.pick([fn.path, 42, "", "public/../system/x:y", "private/conversations:get"]),
        args: [{}],
        format: random.pick(["json", "xml", 3]),
      });
    default:
      return toJson({ path: fn.path, args: [randomValue(random)], format: "json" });
  }
}

function expectSafeText(text: string, context: string) {
  expect(text, context).not.toMatch(/\n\s+at \S/);
  for (const dir of PRIVATE_PATHS)
    expect(text.includes(dir), `${context}: mentions ${dir}`).toBe(false);
}

let backend: LocalBackend;
let commits = 0;
let functions: PublicFunction[];

beforeAll(async () => {
  backend = server.track(await startBackend({ onFunctionLog: () => {} }));
  // Something to protect: an organization with a visitor and a conversation.
  const admin = new ConvexHttpClient(backend.url, { logger: false });
  admin.setAuth(await server.issuer.sign(memberClaims("org_fuzz", "admin")));
  const { api } = await import("@parley/backend/api");
  await admin.mutation(api.private.organizations.bootstrap, {});
  const visitor = new ConvexHttpClient(backend.url, { logger: false });
  const { sessionToken } = await startVisitorSession(backend.siteUrl, {
    organizationId: "org_fuzz",
    metadata: {},
  });
  await visitor.mutation(api.public.conversations.create, { sessionToken });
  await backend.engine.checkCommits();
  functions = await publicFunctions();
  backend.engine.onCommit(() => (commits += 1));
});

afterAll(() => {
  // Printed for whoever wonders what was covered.
  console.log(`fuzzed ${functions?.length ?? 0} public functions`);
});

describe("random and malformed input to every public function", () => {
  test("`$`-prefixed field names are a 400 naming the field, as on Convex", async () => {
    for (const args of [{ $foo: 1 }, { organizationId: { $where: "1" } }, [{ $bytes: 5 }]]) {
      const response = await fetch(`${backend.url}/api/mutation`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ path: "public/contactSessions:refresh", args, format: "json" }),
      });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { code: string; message: string };
      expect(answer.code).toBe("BadArgs");
      expect(answer.message).toMatch(/\$foo|\$where|\$bytes/);
    }
    expect(commits).toBe(0);
  });

  test("over the HTTP API: 4xx or a function error, never a crash, no stack traces or paths, no writes", async () => {
    expect(functions.length).toBeGreaterThan(10);
    const before = await backend.engine.snapshotTs();
    const random = prng(20261202);
    const statuses = new Map<number, number>();
    for (const fn of functions) {
      for (let index = 0; index < CASES_PER_FUNCTION; index++) {
        const endpoint = random.next() < 0.8 ? `/api/${fn.kind}` : "/api/function";
        const body = randomBody(random, fn);
        const response = await fetch(`${backend.url}${endpoint}`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
        });
        const text = await response.text();
        const context = `${fn.path} #${index} → ${response.status} ${text.slice(0, 300)}`;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status < 500 || response.status === 560, context).toBe(true);
        const answer = JSON.parse(text) as Record<string, unknown>;
        if (response.status === 560) expect(typeof answer.errorMessage, context).toBe("string");
        else if (response.status >= 400) {
          expect(typeof answer.code, context).toBe("string");
          expect(typeof answer.message, context).toBe("string");
        }
        expectSafeText(text, context);
      }
    }
    // The inputs reached both the request checks and the functions' own validation.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(560)).toBeGreaterThan(0);
    expect(commits).toBe(0);
    expect(await backend.engine.snapshotTs()).toBe(before);
  });

  test("over the sync protocol: every mutation and action fails cleanly, no writes, the server stays up", async () => {
    const random = prng(7);
    const client = await RawSyncClient.connect(backend.url);
    let requestId = 0;
    for (const fn of functions.filter((candidate) => candidate.kind !== "query")) {
      for (let index = 0; index < SOCKET_CASES_PER_FUNCTION; index++) {
        const type = fn.kind === "mutation" ? "Mutation" : "Action";
        client.sendText(toJson({ type, requestId, udfPath: fn.path, args: [randomValue(random)] }));
        const answer = await client.expect(
          fn.kind === "mutation" ? "MutationResponse" : "ActionResponse",
        );
        const context = `${fn.path} #${index}: ${JSON.stringify(answer).slice(0, 300)}`;
        expect(answer.requestId, context).toBe(requestId);
        expect(answer.success, context).toBe(false);
        expectSafeText(JSON.stringify(answer), context);
        requestId += 1;
      }
    }
    // Queries with bad arguments report an error as their result.
    const queries = functions.filter((candidate) => candidate.kind === "query");
    client.sendText(
      toJson({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: queries.map((fn, queryId) => ({
          type: "Add",
          queryId,
          udfPath: fn.path,
          args: [randomValue(random)],
        })),
      }),
    );
    const transition = await client.expect("Transition");
    for (const modification of transition.modifications) {
      expect(modification.type === "QueryFailed" || modification.type === "QueryUpdated").toBe(
        true,
      );
      expectSafeText(JSON.stringify(modification), "query result");
    }
    client.close();

    // Malformed frames: the connection is refused, the server is not hurt.
    for (const frame of ["not json", "{}", '{"type":"Mutation"}', JSON.stringify([1, 2])]) {
      const bad = await RawSyncClient.connect(backend.url);
      bad.sendText(frame);
      const closed = await bad.closed;
      expectSafeText(closed.reason, `close reason for ${frame}`);
    }
    expect(commits).toBe(0);
    const health = await fetch(`${backend.url}/`);
    expect(health.status).toBe(200);
  });
});
