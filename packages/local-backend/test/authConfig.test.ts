/**
 * auth.config.ts is evaluated under Convex's push-time rule: reading a
 * variable the deployment has not set throws, so a config that real Convex
 * would refuse to push fails here too, and Parley's own config works with
 * only Clerk's variables or only the local issuer's.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";

import { afterAll, afterEach, describe, expect, test } from "vitest";

import {
  evaluateAuthConfig,
  evaluateBundledAuthConfig,
  unsetVariableMessage,
} from "../src/authConfig.js";
import { Engine } from "../src/engine.js";
import { defaultConvexDir } from "../src/index.js";
import { copyTasksApp, removeTempDirs } from "./apps.js";

const VARIABLES = [
  "CLERK_JWT_ISSUER_DOMAIN",
  "PARLEY_LOCAL_AUTH_ISSUER",
  "PARLEY_LOCAL_AUTH_JWKS_URL",
] as const;
const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(removeTempDirs);

/** Exactly these deployment variables, as `npx convex env set` would leave them. */
function deploymentVariables(variables: Partial<Record<(typeof VARIABLES)[number], string>>) {
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, variables);
}

/** Parley's auth.config.ts, bundled and evaluated under the push-time rule. */
function parleyAuthConfig() {
  return evaluateAuthConfig(path.join(defaultConvexDir(), "auth.config.ts"));
}

describe("Parley's auth.config.ts under the push-time rule", () => {
  test("a production deployment that sets only Clerk's issuer pushes, trusting Clerk", async () => {
    deploymentVariables({ CLERK_JWT_ISSUER_DOMAIN: "https://verb-noun-12.clerk.accounts.dev" });
    expect((await parleyAuthConfig()).providers).toEqual([
      { domain: "https://verb-noun-12.clerk.accounts.dev", applicationID: "convex" },
    ]);
  });

  test("the offline stack, with only the local issuer, trusts the local issuer", async () => {
    deploymentVariables({
      PARLEY_LOCAL_AUTH_ISSUER: "http://127.0.0.1:3000/api/local-auth",
      PARLEY_LOCAL_AUTH_JWKS_URL: "http://127.0.0.1:3000/api/local-auth/jwks",
    });
    expect((await parleyAuthConfig()).providers).toEqual([
      {
        type: "customJwt",
        issuer: "http://127.0.0.1:3000/api/local-auth",
        jwks: "http://127.0.0.1:3000/api/local-auth/jwks",
        algorithm: "RS256",
        applicationID: "convex",
      },
    ]);
  });

  test("a new deployment with no variables pushes with no providers", async () => {
    deploymentVariables({});
    expect((await parleyAuthConfig()).providers).toEqual([]);
  });

  test("trusting Clerk and the local issuer at once is refused", async () => {
    deploymentVariables({
      CLERK_JWT_ISSUER_DOMAIN: "https://verb-noun-12.clerk.accounts.dev",
      PARLEY_LOCAL_AUTH_ISSUER: "http://127.0.0.1:3000/api/local-auth",
      PARLEY_LOCAL_AUTH_JWKS_URL: "http://127.0.0.1:3000/api/local-auth/jwks",
    });
    await expect(parleyAuthConfig()).rejects.toThrow(/never both/);
  });
});

describe("the rule itself", () => {
  test("reading an unset variable fails the evaluation with Convex's message", async () => {
    deploymentVariables({});
    const convexDir = await copyTasksApp();
    await writeFile(
      path.join(convexDir, "auth.config.ts"),
      `export default { providers: [{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" }] };\n`,
    );
    const engine = await Engine.start({ convexDir, pollIntervalMs: 0 });
    try {
      await expect(engine.authConfig()).rejects.toThrow(
        unsetVariableMessage("CLERK_JWT_ISSUER_DOMAIN"),
      );
    } finally {
      await engine.close();
    }
  });

  test("a set variable reads as usual, the environment lists no keys, and Node's own is untouched", () => {
    const config = evaluateBundledAuthConfig(
      `module.exports.default = { providers: [
        { domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" },
        { domain: String(Object.keys(process.env).length), applicationID: "keys" },
      ] };`,
      { CLERK_JWT_ISSUER_DOMAIN: "https://set.example" },
    );
    expect(config.providers).toEqual([
      { domain: "https://set.example", applicationID: "convex" },
      { domain: "0", applicationID: "keys" },
    ]);
    expect(() => process.env.PARLEY_SURELY_UNSET_VARIABLE).not.toThrow();
  });
});
