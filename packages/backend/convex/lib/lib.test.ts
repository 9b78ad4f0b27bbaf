import { ConvexError } from "convex/values";
import { describe, expect, test } from "vitest";

import { isEmbedAllowed } from "./allowedDomains";
import { readOrgClaims, toMemberRole } from "./auth";
import { appError, readAppError } from "./errors";
import { assertInputLimits } from "./inputLimits";
import { generateToken, hashToken } from "./tokens";

const base = { subject: "u", issuer: "https://i", tokenIdentifier: "https://i|u" };

describe("lib/auth", () => {
  test("maps Clerk roles: only admin is admin", () => {
    expect(toMemberRole("org:admin")).toBe("admin");
    expect(toMemberRole("admin")).toBe("admin");
    expect(toMemberRole("org:member")).toBe("operator");
    expect(toMemberRole("org:billing_manager")).toBe("operator");
    expect(toMemberRole(undefined)).toBe("operator");
  });

  test("reads template claims, falls back to session token v2, and needs an organization", () => {
    expect(
      readOrgClaims({ ...base, org_id: "org_1", org_role: "org:admin", org_name: "Acme" }),
    ).toEqual({
      orgExternalId: "org_1",
      role: "admin",
      orgName: "Acme",
      orgSlug: undefined,
    });
    expect(readOrgClaims({ ...base, o: { id: "org_2", rol: "member", slg: "beta" } })).toEqual({
      orgExternalId: "org_2",
      role: "operator",
      orgName: undefined,
      orgSlug: "beta",
    });
    expect(readOrgClaims({ ...base, "o.id": "org_3", "o.rol": "admin" })).toMatchObject({
      orgExternalId: "org_3",
      role: "admin",
    });
    expect(readOrgClaims(base)).toBeNull();
    expect(readOrgClaims({ ...base, org_id: "" })).toBeNull();
    expect(readOrgClaims({ ...base, o: ["org_3"] })).toBeNull();
  });
});

describe("lib/tokens", () => {
  test("tokens are 256-bit, url-safe and distinct; hashes are stable hex SHA-256", async () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await hashToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("lib/inputLimits", () => {
  test("bounds every nested string and array, with per-argument overrides", () => {
    expect(() => assertInputLimits({ a: "x".repeat(2000), b: ["y"], c: { d: "z" } })).not.toThrow();
    expect(() => assertInputLimits({ a: "x".repeat(2001) })).toThrow(
      /a is too long: 2001 characters, the limit is 2000/,
    );
    expect(() => assertInputLimits({ m: { url: "x".repeat(2001) } })).toThrow(/m\.url is too long/);
    expect(() => assertInputLimits({ list: ["ok", "x".repeat(11)] }, { list: 10 })).toThrow(
      /list\[1\] is too long/,
    );
    expect(() => assertInputLimits({ list: Array(51).fill("x") })).toThrow(
      /list has too many items: 51/,
    );
    expect(() => assertInputLimits({ body: "x".repeat(3000) }, { body: 4000 })).not.toThrow();
  });
});

describe("lib/errors", () => {
  test("reads our errors and hides anything else behind a generic message", () => {
    expect(readAppError(appError("RATE_LIMITED", "Slow down", { retryAfterMs: 5 }))).toEqual({
      code: "RATE_LIMITED",
      message: "Slow down",
      retryAfterMs: 5,
    });
    expect(readAppError(new Error("db exploded at row 7"))).toEqual({
      code: "INTERNAL",
      message: "Something went wrong. Please try again.",
    });
    expect(readAppError(new ConvexError({ code: "NOPE", message: "x" })).code).toBe("INTERNAL");
  });
});

describe("lib/allowedDomains", () => {
  test("an empty list allows every host, even an unknown one", () => {
    expect(isEmbedAllowed([], "https://anything.test")).toBe(true);
    expect(isEmbedAllowed([], undefined)).toBe(true);
  });

  test("exact hosts match any port unless the entry names one", () => {
    const list = ["shop.example.com", "localhost:3002"];
    expect(isEmbedAllowed(list, "https://shop.example.com")).toBe(true);
    expect(isEmbedAllowed(list, "http://SHOP.example.com:8080")).toBe(true);
    expect(isEmbedAllowed(list, "https://shop.example.com/help?q=1")).toBe(true);
    expect(isEmbedAllowed(list, "http://localhost:3002")).toBe(true);
    expect(isEmbedAllowed(list, "http://localhost:3003")).toBe(false);
    expect(isEmbedAllowed(list, "https://example.com")).toBe(false);
    expect(isEmbedAllowed(list, "https://evil-shop.example.com")).toBe(false);
    expect(isEmbedAllowed(list, "https://shop.example.com.evil.test")).toBe(false);
    expect(isEmbedAllowed(["example.com:443"], "https://example.com")).toBe(true);
  });

  test("*.example.com allows subdomains at any depth, not the apex or look-alikes", () => {
    const list = ["*.example.com"];
    expect(isEmbedAllowed(list, "https://a.example.com")).toBe(true);
    expect(isEmbedAllowed(list, "https://b.a.example.com:8443")).toBe(true);
    expect(isEmbedAllowed(list, "https://example.com")).toBe(false);
    expect(isEmbedAllowed(list, "https://notexample.com")).toBe(false);
    expect(isEmbedAllowed(list, "https://a.example.com.evil.test")).toBe(false);
  });

  test("with a list, a missing, malformed or non-web origin is refused", () => {
    const list = ["example.com"];
    expect(isEmbedAllowed(list, undefined)).toBe(false);
    expect(isEmbedAllowed(list, "")).toBe(false);
    expect(isEmbedAllowed(list, "example.com")).toBe(false);
    expect(isEmbedAllowed(list, "file:///example.com/index.html")).toBe(false);
    expect(isEmbedAllowed(list, "null")).toBe(false);
  });
});
