/**
 * HTTP actions on the site URL (what `*.convex.site` is on Convex), driven
 * with real HTTP requests against the fixture app's `convex/http.ts`.
 */
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { TASKS_FIXTURE } from "./apps.js";
import {
  createIssuer,
  FIXTURE_CONVEX_DIR,
  startBackend,
  trustIssuer,
  type Issuer,
} from "./support.js";

const listEvents = makeFunctionReference<
  "query",
  Record<string, never>,
  { source: string; payload: unknown }[]
>("events:list");

let issuer: Issuer;
let backend: LocalBackend;

beforeAll(async () => {
  issuer = await createIssuer();
  trustIssuer(issuer.jwksDataUri);
  backend = await startBackend({ convexDir: FIXTURE_CONVEX_DIR });
});

afterAll(async () => {
  await backend.close();
});

describe("the site URL", () => {
  test("is its own port beside the deployment URL", () => {
    expect(backend.siteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(backend.sitePort).not.toBe(backend.port);
  });

  test("a webhook route gets the request and answers JSON, and its mutation commits", async () => {
    const response = await fetch(`${backend.siteUrl}/webhooks/echo?q=search`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Webhook-Secret": "s3cret" },
      body: JSON.stringify({ type: "call.ended", seconds: 42 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-handled-by")).toBe("fixture");
    const body = (await response.json()) as { received: unknown; id: string; query: string };
    expect(body).toMatchObject({ received: { type: "call.ended", seconds: 42 }, query: "search" });
    expect(body.id).toMatch(/events$/);

    const events = await new ConvexHttpClient(backend.url, { logger: false }).query(listEvents, {});
    expect(events).toEqual([
      expect.objectContaining({ source: "echo", payload: { type: "call.ended", seconds: 42 } }),
    ]);
  });

  test("the route's own checks answer for it", async () => {
    const response = await fetch(`${backend.siteUrl}/webhooks/echo`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("bad signature");
  });

  test("the caller's address reaches the action as the last X-Forwarded-For entry", async () => {
    const address = async (headers: Record<string, string> = {}) =>
      (
        (await (await fetch(`${backend.siteUrl}/address`, { headers })).json()) as {
          forwardedFor: string | null;
        }
      ).forwardedFor;
    expect(await address()).toBe("127.0.0.1");
    // What a client claims stays in front of the real address, as a proxy would leave it.
    expect(await address({ "X-Forwarded-For": "203.0.113.9" })).toBe("203.0.113.9, 127.0.0.1");
  });

  test("unknown routes and methods are 404, and the API is not on the site", async () => {
    expect((await fetch(`${backend.siteUrl}/nowhere`)).status).toBe(404);
    expect((await fetch(`${backend.siteUrl}/webhooks/echo`)).status).toBe(404);
    const api = await fetch(`${backend.siteUrl}/api/query`, { method: "POST", body: "{}" });
    expect(api.status).toBe(404);
  });

  test("a valid bearer token is the action's identity; anything else is anonymous", async () => {
    const whoami = async (authorization?: string) =>
      (await (
        await fetch(`${backend.siteUrl}/whoami`, {
          headers: authorization ? { Authorization: authorization } : {},
        })
      ).json()) as { subject: string | null };
    expect(await whoami(`Bearer ${await issuer.sign({ sub: "user_site" })}`)).toEqual({
      subject: "user_site",
    });
    expect(await whoami()).toEqual({ subject: null });
    expect(await whoami("Bearer not-a-jwt")).toEqual({ subject: null });
    expect(await whoami("Basic dXNlcjpwYXNz")).toEqual({ subject: null });
  });

  test("a streamed response arrives whole", async () => {
    const response = await fetch(`${backend.siteUrl}/stream`);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("one two three");
  });

  test("an action can store a file, whose URL is on the deployment", async () => {
    const response = await fetch(`${backend.siteUrl}/files/report.csv`, {
      method: "POST",
      headers: { "Content-Type": "text/csv" },
      body: "a,b\n1,2\n",
    });
    const { storageId, url } = (await response.json()) as { storageId: string; url: string };
    expect(url).toBe(`${backend.url}/api/storage/${storageId}`);
    const served = await fetch(url);
    expect(served.headers.get("content-type")).toBe("text/csv");
    expect(await served.text()).toBe("a,b\n1,2\n");
  });

  test("an action that throws is a 500 saying why", async () => {
    const response = await fetch(`${backend.siteUrl}/fail`);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(
      /^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught Error: the fixture's action failed/,
    );
  });
});

describe("an app without http.ts", () => {
  test("answers 404 on its site URL", async () => {
    const app = await startBackend({ convexDir: TASKS_FIXTURE });
    try {
      const response = await fetch(`${app.siteUrl}/anything`, { method: "POST" });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("no convex/http.ts");
    } finally {
      await app.close();
    }
  });
});

describe("Parley's own http.ts", () => {
  test("routes its webhooks and answers 404 for any other path", async () => {
    const parley = await startBackend();
    try {
      const unknown = await fetch(`${parley.siteUrl}/anything`, { method: "POST" });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain("No HttpAction routed for /anything");
      // Routed, and refused: an unsigned delivery is not a Clerk event.
      const unsigned = await fetch(`${parley.siteUrl}/webhooks/clerk`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      expect(unsigned.status).not.toBe(404);
      expect(unsigned.ok).toBe(false);
    } finally {
      await parley.close();
    }
  });
});
