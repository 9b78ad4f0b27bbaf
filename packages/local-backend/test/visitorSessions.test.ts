/**
 * Parley's visitor sessions over real HTTP: the widget's `POST /widget/sessions`
 * on the site URL sees the caller's address (the socket's, appended to
 * X-Forwarded-For by the site), so one client's flood is refused by its own
 * per-address limit whatever it claims in its headers.
 */
import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { createIssuer, memberClaims, startBackend, trustIssuer } from "./support.js";

let backend: LocalBackend;

beforeAll(async () => {
  const issuer = await createIssuer();
  trustIssuer(issuer.jwksDataUri);
  backend = await startBackend({ onFunctionLog: () => {} });
  const admin = new ConvexHttpClient(backend.url, { logger: false });
  admin.setAuth(await issuer.sign(memberClaims("org_flood", "admin")));
  await admin.mutation(api.private.organizations.bootstrap, {});
  // Loading Parley's whole backend takes a while on a busy machine.
}, 120_000);

afterAll(async () => {
  await backend?.close();
});

const post = (headers: Record<string, string> = {}) =>
  fetch(`${backend.siteUrl}/widget/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ organizationId: "org_flood", metadata: {} }),
  });

describe("POST /widget/sessions on the local backend", () => {
  test("a flood from one address is refused however it varies X-Forwarded-For", async () => {
    const statuses: number[] = [];
    let refusal: Response | undefined;
    for (let index = 0; index < 40 && !refusal; index++) {
      // A different claimed address every time: only the socket's (the last entry) counts.
      const response = await post({ "X-Forwarded-For": `203.0.113.${index + 1}` });
      statuses.push(response.status);
      if (response.status !== 200) refusal = response;
      else {
        const session = (await response.json()) as { sessionToken: string };
        expect(session.sessionToken).toMatch(/^[\w-]{43}$/);
      }
    }
    // The address's capacity (20), plus what its bucket refilled while the loop ran.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(20);
    expect(refusal?.status).toBe(429);
    expect(refusal?.headers.get("access-control-allow-origin")).toBe("*");
    expect(await refusal!.json()).toMatchObject({ code: "RATE_LIMITED" });
  });

  test("the preflight answers for the widget's origin", async () => {
    const response = await fetch(`${backend.siteUrl}/widget/sessions`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:3001", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST");
  });
});
