/**
 * Conformance of the WebSocket sync protocol, driven by the official
 * `ConvexClient` (convex/browser) exactly as the widget and dashboard use it.
 */
import { api } from "@parley/backend/api";
import type { ConvexClient } from "convex/browser";
import type { FunctionReturnType } from "convex/server";
import { ConvexError } from "convex/values";
import { beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { createIssuer, memberClaims, QueryWatch, startBackend } from "./support.js";
import { useServerTests } from "./server.js";

type AppError = { code: string; message: string };
type PublicSettings = FunctionReturnType<typeof api.public.widgetSettings.getByOrganization>;

const server = useServerTests();
let backend: LocalBackend;

const connect = (): ConvexClient => server.connect(backend.url);

/** A client signed in with `token`; resolves once the server confirmed (or refused) it. */
async function signIn(token: string): Promise<{ client: ConvexClient; authenticated: boolean }> {
  const client = connect();
  const authenticated = await new Promise<boolean>((resolve) =>
    client.setAuth(() => Promise.resolve(token), resolve),
  );
  return { client, authenticated };
}

function watchSettings(client: ConvexClient, organizationId: string) {
  return new QueryWatch<PublicSettings>((onValue, onError) =>
    client.onUpdate(
      api.public.widgetSettings.getByOrganization,
      { organizationId },
      onValue,
      onError,
    ),
  );
}

beforeAll(async () => {
  backend = server.track(await startBackend());
});

describe("subscriptions", () => {
  test("a visitor's subscription follows an admin's mutations", async () => {
    const visitor = connect();
    const settings = watchSettings(visitor, "org_sync");

    const missing = await settings.error();
    expect(missing).toBeInstanceOf(ConvexError);
    expect((missing as ConvexError<{ code: string }>).data.code).toBe("NOT_FOUND");

    const { client: admin, authenticated } = await signIn(
      await server.issuer.sign(memberClaims("org_sync", "admin")),
    );
    expect(authenticated).toBe(true);
    expect(await admin.mutation(api.private.organizations.bootstrap, {})).toEqual({
      organizationId: "org_sync",
      role: "admin",
      created: true,
    });
    const created = await settings.value();
    expect(created).toMatchObject({
      organizationId: "org_sync",
      organizationName: "Organization org_sync",
      greeting: "Hi there! How can we help you today?",
    });

    await admin.mutation(api.private.widgetSettings.update, {
      greeting: "Hello from Acme",
      primaryColor: "#ABCDEF",
    });
    const updated = await settings.value((value) => value.greeting === "Hello from Acme");
    expect(updated).toMatchObject({ greeting: "Hello from Acme", primaryColor: "#abcdef" });
    settings.unsubscribe();
  });

  test("a mutation resolves only once its own subscriptions show its writes", async () => {
    const { client: admin } = await signIn(
      await server.issuer.sign(memberClaims("org_ryw", "admin")),
    );
    await admin.mutation(api.private.organizations.bootstrap, {});
    const own = admin.onUpdate(api.private.widgetSettings.get, {}, () => {});
    await new QueryWatch((onValue, onError) =>
      admin.onUpdate(api.private.widgetSettings.get, {}, onValue, onError),
    ).value();

    for (const agentName of ["Ada", "Grace", "Linus"]) {
      await admin.mutation(api.private.widgetSettings.update, { agentName });
      // No waiting: the client holds the mutation until a Transition reaches its commit.
      expect(own.getCurrentValue()?.agentName).toBe(agentName);
    }
    own.unsubscribe();
  });

  test("every subscriber of the same query sees each commit", async () => {
    const { client: admin } = await signIn(
      await server.issuer.sign(memberClaims("org_many", "admin")),
    );
    await admin.mutation(api.private.organizations.bootstrap, {});
    const watches = Array.from({ length: 5 }, () => watchSettings(connect(), "org_many"));
    await Promise.all(watches.map((watch) => watch.value()));

    await admin.mutation(api.private.widgetSettings.update, { agentName: "Shared" });
    const seen = await Promise.all(
      watches.map((watch) => watch.value((value) => value.agentName === "Shared")),
    );
    expect(seen.map((value) => value.agentName)).toEqual(Array(5).fill("Shared"));
    for (const watch of watches) watch.unsubscribe();
  });
});

describe("authentication", () => {
  test("a member's identity reaches functions with the token's claims", async () => {
    const { client } = await signIn(
      await server.issuer.sign(memberClaims("org_me", "admin", "user_me")),
    );
    await client.mutation(api.private.organizations.bootstrap, {});
    expect(await client.query(api.private.organizations.current, {})).toEqual({
      organizationId: "org_me",
      name: "Organization org_me",
      role: "admin",
      plan: "free",
      features: { voice: false, outboundWebhooks: false, apiKeys: false },
      billing: { status: "active" },
      user: { name: "admin of org_me", email: "user_me@example.com" },
    });
  });

  test("queries subscribed while the first token is fetched run with it", async () => {
    const client = connect();
    const token = await server.issuer.sign(memberClaims("org_early", "admin"));
    const authenticated = new Promise<boolean>((resolve) =>
      client.setAuth(() => Promise.resolve(token), resolve),
    );
    // Subscribed before the server confirmed the token: the client holds it back, then sends both.
    const current = new QueryWatch((onValue, onError) =>
      client.onUpdate(api.private.organizations.current, {}, onValue, onError),
    );
    expect(await authenticated).toBe(true);
    await client.mutation(api.private.organizations.bootstrap, {});
    expect(await current.value()).toMatchObject({ organizationId: "org_early", role: "admin" });
  });

  test("a refreshed token replaces the old one without dropping subscriptions", async () => {
    const client = connect();
    let fetches = 0;
    const authenticated = new Promise<boolean>((resolve) =>
      client.setAuth(async () => {
        fetches++;
        // A new token on every fetch, as a real provider's refresh gives.
        return await server.issuer.sign({
          ...memberClaims("org_refresh", "admin"),
          jti: crypto.randomUUID(),
        });
      }, resolve),
    );
    expect(await authenticated).toBe(true);
    await client.mutation(api.private.organizations.bootstrap, {});
    const current = await client.query(api.private.organizations.current, {});
    expect(current).toMatchObject({ organizationId: "org_refresh" });
    // The client fetched a cached token, then a fresh one right after the server confirmed it.
    expect(fetches).toBeGreaterThanOrEqual(2);
  });

  test.each([
    [
      "a forged signature",
      async () => {
        const other = await createIssuer();
        return await other.sign(memberClaims("org_bad", "admin"));
      },
    ],
    [
      "another audience",
      () => server.issuer.sign(memberClaims("org_bad", "admin"), { audience: "not-convex" }),
    ],
    [
      "an expired token",
      () => server.issuer.sign(memberClaims("org_bad", "admin"), { expiresIn: -120 }),
    ],
    [
      "an unknown issuer",
      () => server.issuer.sign(memberClaims("org_bad", "admin"), { issuer: "https://evil.test" }),
    ],
  ])("%s is refused and leaves the client unauthenticated", async (_name, makeToken) => {
    const { client, authenticated } = await signIn(await makeToken());
    expect(authenticated).toBe(false);
    const refused = await client.mutation(api.private.organizations.bootstrap, {}).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConvexError);
    expect((refused as ConvexError<{ code: string }>).data).toEqual({
      code: "UNAUTHENTICATED",
      message: "Please sign in.",
    });
  });

  test("signing out clears the identity of the same connection", async () => {
    const { client } = await signIn(await server.issuer.sign(memberClaims("org_out", "admin")));
    await client.mutation(api.private.organizations.bootstrap, {});
    const current = new QueryWatch((onValue, onError) =>
      client.onUpdate(api.private.organizations.current, {}, onValue, onError),
    );
    await current.value();
    client.client.clearAuth();
    const error = await current.error();
    expect((error as ConvexError<{ code: string }>).data.code).toBe("UNAUTHENTICATED");
  });
});

describe("errors", () => {
  test("a ConvexError thrown by a mutation reaches the caller with its data", async () => {
    const { client } = await signIn(await server.issuer.sign(memberClaims("org_err", "admin")));
    await client.mutation(api.private.organizations.bootstrap, {});
    const error = await client
      .mutation(api.private.widgetSettings.update, { primaryColor: "red" })
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<AppError>).data).toEqual({
      code: "INVALID_INPUT",
      message: "Color must be a hex color like #4f46e5.",
    });
  });

  test("an operator is forbidden an admin mutation", async () => {
    const { client: admin } = await signIn(
      await server.issuer.sign(memberClaims("org_role", "admin")),
    );
    await admin.mutation(api.private.organizations.bootstrap, {});
    const { client: operator } = await signIn(
      await server.issuer.sign(memberClaims("org_role", "operator")),
    );
    await operator.mutation(api.private.organizations.bootstrap, {});
    const error = await operator
      .mutation(api.private.widgetSettings.update, { agentName: "Mallory" })
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect((error as ConvexError<AppError>).data).toEqual({
      code: "FORBIDDEN",
      message: "Only an organization admin can do this.",
    });
  });
});
