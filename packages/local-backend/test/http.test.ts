/**
 * The HTTP API, driven by the official `ConvexHttpClient` (what server
 * components and scripts use), plus the raw responses where the status code
 * itself is the contract.
 */
import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { createIssuer, memberClaims, startBackend, trustIssuer, type Issuer } from "./support.js";

const ADMIN_KEY = "local-admin-key-for-tests";

type AppError = { code: string; message: string };

/**
 * ConvexHttpClient's admin methods are marked @internal (the Convex CLI and
 * dashboard use them), so their types are spelled out here.
 */
type AdminHttpClient = ConvexHttpClient & {
  setAdminAuth(key: string, actingAs?: Record<string, unknown>): void;
  function(
    name: string,
    componentPath: string | undefined,
    args: Record<string, unknown>,
  ): Promise<unknown>;
};

let issuer: Issuer;
let backend: LocalBackend;

function client(token?: string): AdminHttpClient {
  const http = new ConvexHttpClient(backend.url, { logger: false }) as AdminHttpClient;
  if (token) http.setAuth(token);
  return http;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => {
      throw new Error("expected the call to fail, but it succeeded");
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  issuer = await createIssuer();
  trustIssuer(issuer.jwksDataUri);
  backend = await startBackend({ adminKey: ADMIN_KEY });
});

afterAll(async () => {
  await backend.close();
});

describe("ConvexHttpClient", () => {
  test("runs mutations and queries as the token's member", async () => {
    const admin = client(await issuer.sign(memberClaims("org_http", "admin")));
    expect(await admin.mutation(api.private.organizations.bootstrap, {})).toEqual({
      organizationId: "org_http",
      role: "admin",
      created: true,
    });
    await admin.mutation(api.private.widgetSettings.update, { greeting: "Over HTTP" });
    expect(
      await client().query(api.public.widgetSettings.getByOrganization, {
        organizationId: "org_http",
      }),
    ).toMatchObject({ organizationId: "org_http", greeting: "Over HTTP" });
    expect(await admin.query(api.private.organizations.current, {})).toMatchObject({
      role: "admin",
    });
  });

  test("function errors arrive as ConvexError with their data", async () => {
    const queryError = await rejection(
      client().query(api.public.widgetSettings.getByOrganization, { organizationId: "org_none" }),
    );
    expect(queryError).toBeInstanceOf(ConvexError);
    expect((queryError as ConvexError<AppError>).data).toEqual({
      code: "NOT_FOUND",
      message: "This support widget is not configured.",
    });

    const admin = client(await issuer.sign(memberClaims("org_http_err", "admin")));
    await admin.mutation(api.private.organizations.bootstrap, {});
    const mutationError = await rejection(
      admin.mutation(api.private.widgetSettings.update, { allowedDomains: ["not a domain"] }),
    );
    expect(mutationError).toBeInstanceOf(ConvexError);
    expect((mutationError as ConvexError<AppError>).data).toEqual({
      code: "INVALID_INPUT",
      message: '"not a domain" is not a valid domain, e.g. example.com or *.example.com.',
    });

    const anonymous = await rejection(client().mutation(api.private.widgetSettings.update, {}));
    expect((anonymous as ConvexError<AppError>).data).toEqual({
      code: "UNAUTHENTICATED",
      message: "Please sign in.",
    });
  });

  test("a refused token fails the request before any function runs", async () => {
    const expired = client(
      await issuer.sign(memberClaims("org_http", "admin"), { expiresIn: -60 }),
    );
    const error = await rejection(expired.query(api.private.organizations.current, {}));
    expect(error).not.toBeInstanceOf(ConvexError);
    expect(String(error)).toContain("Unauthenticated");
    expect(String(error)).toContain("Token expired");
  });

  test("consistent queries read at a timestamp", async () => {
    const value = await client().consistentQuery(api.public.widgetSettings.getByOrganization, {
      organizationId: "org_http",
    });
    expect(value).toMatchObject({ organizationId: "org_http" });
  });

  test("internal paths and component functions need the admin key", async () => {
    const args = { name: "probe", config: { kind: "token bucket", rate: 1, period: 1000 } };
    const anonymous = await rejection(client().function("lib:getValue", "rateLimiter", args));
    expect(String(anonymous)).toContain(
      "Only an admin may call functions of component 'rateLimiter'",
    );

    const admin = client();
    admin.setAdminAuth(ADMIN_KEY);
    expect(await admin.function("lib:getValue", "rateLimiter", args)).toMatchObject({ value: 1 });

    const wrongKey = client();
    wrongKey.setAdminAuth("not-the-key");
    expect(
      String(await rejection(wrongKey.query(api.private.organizations.current, {}))),
    ).toContain("The admin key is not valid");
  });

  test("an admin can act as a user", async () => {
    const admin = client();
    admin.setAdminAuth(ADMIN_KEY, {
      issuer: "https://auth.parley.test",
      subject: "impersonated",
      org_id: "org_acting",
      org_role: "org:admin",
    });
    expect(await admin.mutation(api.private.organizations.bootstrap, {})).toMatchObject({
      organizationId: "org_acting",
      created: true,
    });
  });
});

describe("raw HTTP", () => {
  test("a failed function is status 560 with errorMessage and errorData", async () => {
    const response = await fetch(`${backend.url}/api/query`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        path: "public/widgetSettings:getByOrganization",
        args: [{ organizationId: "org_missing" }],
        format: "convex_encoded_json",
      }),
    });
    expect(response.status).toBe(560);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "error",
      errorData: { code: "NOT_FOUND", message: "This support widget is not configured." },
    });
    expect(body.errorMessage).toMatch(
      /^\[Request ID: [0-9a-f]{16}\] Server Error\nUncaught ConvexError: /,
    );
  });

  test("the documented object form of args works too, and unknown routes are 404", async () => {
    const response = await fetch(`${backend.url}/api/query`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        path: "public/widgetSettings:getByOrganization",
        args: { organizationId: "org_http" },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "success",
      value: { organizationId: "org_http" },
    });
    expect((await fetch(`${backend.url}/api/nothing`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${backend.url}/api/query`, { method: "POST", body: "{" })).status).toBe(
      400,
    );
  });

  test("browsers may call the API cross-origin", async () => {
    const preflight = await fetch(`${backend.url}/api/mutation`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });
});
