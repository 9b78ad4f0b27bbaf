/**
 * Token verification and the identities it produces, against key sets served
 * the ways auth.config allows: a data: URI, a file, and loopback HTTP servers
 * speaking JWKS and OpenID discovery.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  AuthenticationError,
  Authenticator,
  customJwtIdentity,
  oidcIdentity,
} from "../src/auth.js";
import { AUDIENCE, createIssuer, ISSUER, memberClaims, type Issuer } from "./support.js";

let issuer: Issuer;
let server: Server;
let baseUrl: string;
const requests: string[] = [];

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error("expected the token to be refused");
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return (error as Error).message;
}

beforeAll(async () => {
  issuer = await createIssuer();
  // A loopback identity provider: JWKS plus OpenID discovery.
  server = createServer((request, response) => {
    requests.push(request.url ?? "");
    response.setHeader("Content-Type", "application/json");
    if (request.url === "/.well-known/jwks.json") {
      response.end(JSON.stringify(issuer.jwks));
    } else if (request.url === "/.well-known/openid-configuration") {
      response.end(
        JSON.stringify({ issuer: baseUrl, jwks_uri: `${baseUrl}/.well-known/jwks.json` }),
      );
    } else {
      response.statusCode = 404;
      response.end("{}");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const customJwt = (jwks: string) =>
  new Authenticator([
    { type: "customJwt", issuer: ISSUER, jwks, algorithm: "RS256", applicationID: AUDIENCE },
  ]);

describe("customJwt providers", () => {
  test.each([
    ["a data: URI", () => issuer.jwksDataUri],
    ["an http URL", () => `${baseUrl}/.well-known/jwks.json`],
    [
      "a file",
      async () => {
        const dir = await mkdtemp(path.join(tmpdir(), "parley-jwks-"));
        const file = path.join(dir, "jwks.json");
        await writeFile(file, JSON.stringify(issuer.jwks));
        return pathToFileURL(file).href;
      },
    ],
  ])("accept a valid token with the JWKS in %s", async (_name, jwks) => {
    const authenticator = customJwt(await jwks());
    const { caller, expiresAt } = await authenticator.verifyToken(
      await issuer.sign(memberClaims("org_a", "admin", "user_a")),
    );
    expect(caller).toEqual({
      admin: false,
      identity: {
        tokenIdentifier: `${ISSUER}|user_a`,
        subject: "user_a",
        issuer: ISSUER,
        name: "admin of org_a",
        email: "user_a@example.com",
        org_id: "org_a",
        org_role: "org:admin",
        org_name: "Organization org_a",
      },
    });
    expect(expiresAt).toBeGreaterThan(Date.now());
  });

  test("refuse what a deployment refuses, saying why", async () => {
    const authenticator = customJwt(issuer.jwksDataUri);
    const claims = memberClaims("org_a", "admin");
    const forger = await createIssuer();
    expect(await refusal(authenticator.verifyToken(await forger.sign(claims)))).toBe(
      "Could not verify the token's signature with the provider's keys (JWKS).",
    );
    expect(
      await refusal(authenticator.verifyToken(await issuer.sign(claims, { audience: "other" }))),
    ).toBe("The token's audience (aud) does not include the provider's applicationID \"convex\".");
    expect(
      await refusal(authenticator.verifyToken(await issuer.sign(claims, { expiresIn: -30 }))),
    ).toBe("Token expired: its exp claim is in the past.");
    expect(
      await refusal(
        authenticator.verifyToken(await issuer.sign(claims, { issuer: "https://other.test" })),
      ),
    ).toContain('No auth provider found matching the token\'s issuer "https://other.test"');
    expect(
      await refusal(authenticator.verifyToken(await issuer.sign(claims, { kid: "rotated" }))),
    ).toBe("No key in the provider's JWKS matches the token's kid and alg.");
    expect(await refusal(authenticator.verifyToken("not.a.jwt"))).toContain(
      "Could not parse the token",
    );
  });

  test("no providers configured is an explicit refusal", async () => {
    expect(
      await refusal(new Authenticator([]).verifyToken(await issuer.sign({ sub: "u" }))),
    ).toContain("auth.config.ts configures no providers");
  });

  test("custom claims are flattened and volatile ones dropped, as Convex does", () => {
    expect(
      customJwtIdentity({
        iss: ISSUER,
        sub: "u",
        aud: "convex",
        exp: 1,
        iat: 0,
        jti: "j",
        o: { id: "org_1", rol: "admin" },
        roles: ["a", "b"],
        fva: [1, 2],
        email_verified: true,
      }),
    ).toEqual({
      tokenIdentifier: `${ISSUER}|u`,
      subject: "u",
      issuer: ISSUER,
      "o.id": "org_1",
      "o.rol": "admin",
      roles: ["a", "b"],
      email_verified: true,
    });
  });
});

describe("OIDC providers", () => {
  test("discover the JWKS and map standard claims to identity fields", async () => {
    const authenticator = new Authenticator([{ domain: `${baseUrl}/`, applicationID: AUDIENCE }]);
    requests.length = 0;
    const { caller } = await authenticator.verifyToken(
      await issuer.sign(
        {
          sub: "user_oidc",
          given_name: "Ada",
          picture: "https://img.test/ada.png",
          email_verified: true,
          updated_at: 1_700_000_000,
          azp: "http://localhost:3000",
          o: { id: "org_1" },
        },
        { issuer: baseUrl },
      ),
    );
    expect(requests).toEqual(["/.well-known/openid-configuration", "/.well-known/jwks.json"]);
    expect(caller.identity).toEqual({
      tokenIdentifier: `${baseUrl}|user_oidc`,
      subject: "user_oidc",
      issuer: baseUrl,
      givenName: "Ada",
      pictureUrl: "https://img.test/ada.png",
      emailVerified: true,
      updatedAt: "2023-11-14T22:13:20+00:00",
      o: { id: "org_1" },
    });
    expect(oidcIdentity({ iss: "i", sub: "s", nbf: 1, jti: "x", fva: [0] })).toEqual({
      tokenIdentifier: "i|s",
      subject: "s",
      issuer: "i",
    });
  });
});

describe("admin keys", () => {
  test("are checked exactly and may act as an identity", () => {
    const authenticator = new Authenticator([], { adminKey: "secret" });
    expect(() => authenticator.verifyAdmin("secreT")).toThrow(AuthenticationError);
    expect(() => authenticator.verifyAdmin("secret!")).toThrow(AuthenticationError);
    expect(authenticator.verifyAdmin("secret")).toEqual({ identity: null, admin: true });
    expect(authenticator.verifyAdmin("secret", { issuer: "i", subject: "s", org_id: "o" })).toEqual(
      {
        admin: true,
        identity: { issuer: "i", subject: "s", org_id: "o", tokenIdentifier: "i|s" },
      },
    );
    expect(() => new Authenticator([]).verifyAdmin("secret")).toThrow(/disabled/);
  });
});
