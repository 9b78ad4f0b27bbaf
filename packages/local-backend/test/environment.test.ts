/**
 * The deployment's environment variables: read by functions from
 * `process.env`, loaded from an env file, and managed with the official
 * `npx convex env` commands (self-hosted mode: URL + admin key).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { FIXTURE_CONVEX_DIR, startBackend } from "./support.js";

const ADMIN_KEY = "local-admin-key-for-env-tests";
const read = makeFunctionReference<"query", { name: string }, string | null>("environment:read");

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const convexCli = path.join(
  path.dirname(createRequire(import.meta.url).resolve("convex/package.json")),
  "bin/main.js",
);

let directory: string;
let envFile: string;
let backend: LocalBackend;

function savedVariables(): Record<string, string> {
  return JSON.parse(readFileSync(envFile, "utf8")) as Record<string, string>;
}

/** `npx convex <args>` against this backend, as a developer would run it. */
async function convex(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [convexCli, ...args], {
    cwd: packageDir, // a package that depends on convex, as the CLI requires
    env: {
      ...process.env,
      CONVEX_SELF_HOSTED_URL: backend.url,
      CONVEX_SELF_HOSTED_ADMIN_KEY: ADMIN_KEY,
      CONVEX_DEPLOYMENT: "",
    },
    timeout: 20_000,
  });
  return stdout;
}

async function update(changes: { name: string; value: string | null }[], key = ADMIN_KEY) {
  return await fetch(`${backend.url}/api/update_environment_variables`, {
    method: "POST",
    headers: { Authorization: `Convex ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ changes }),
  });
}

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), "parley-env-"));
  envFile = path.join(directory, "env.json");
  writeFileSync(envFile, JSON.stringify({ FIXTURE_GREETING: "from the file" }));
  backend = await startBackend({ convexDir: FIXTURE_CONVEX_DIR, adminKey: ADMIN_KEY, envFile });
});

afterAll(async () => {
  await backend.close();
  rmSync(directory, { recursive: true, force: true });
  for (const name of ["FIXTURE_GREETING", "FIXTURE_API_KEY", "FIXTURE_FROM_CLI"]) {
    delete process.env[name];
  }
});

describe("environment variables", () => {
  test("functions read the env file's variables", async () => {
    const client = new ConvexHttpClient(backend.url, { logger: false });
    expect(await client.query(read, { name: "FIXTURE_GREETING" })).toBe("from the file");
  });

  test("the admin endpoint sets and removes them, all or none, and saves them", async () => {
    const client = new ConvexHttpClient(backend.url, { logger: false });
    expect((await update([{ name: "FIXTURE_API_KEY", value: "sk-local" }])).status).toBe(200);
    expect(await client.query(read, { name: "FIXTURE_API_KEY" })).toBe("sk-local");
    expect(savedVariables()).toEqual({
      FIXTURE_GREETING: "from the file",
      FIXTURE_API_KEY: "sk-local",
    });
    // Secrets: only the developer may read the file.
    expect(statSync(envFile).mode & 0o077).toBe(0);

    const refused = await update([
      { name: "FIXTURE_API_KEY", value: null },
      { name: "1NVALID", value: "x" },
    ]);
    expect(refused.status).toBe(400);
    expect(await client.query(read, { name: "FIXTURE_API_KEY" })).toBe("sk-local");

    expect((await update([{ name: "FIXTURE_API_KEY", value: null }])).status).toBe(200);
    expect(await client.query(read, { name: "FIXTURE_API_KEY" })).toBeNull();
    expect(savedVariables()).toEqual({ FIXTURE_GREETING: "from the file" });
  });

  test("changing them needs the admin key", async () => {
    const response = await update([{ name: "FIXTURE_API_KEY", value: "stolen" }], "wrong-key");
    expect(response.status).toBe(401);
    const anonymous = await fetch(`${backend.url}/api/update_environment_variables`, {
      method: "POST",
      body: JSON.stringify({ changes: [{ name: "FIXTURE_API_KEY", value: "stolen" }] }),
    });
    expect(anonymous.status).toBe(401);
    expect(process.env.FIXTURE_API_KEY).toBeUndefined();
  });

  test("npx convex env set, get, list and remove work against the local backend", async () => {
    expect(await convex("env", "set", "FIXTURE_FROM_CLI", "hello from the CLI")).toBe("");
    expect(savedVariables()).toMatchObject({ FIXTURE_FROM_CLI: "hello from the CLI" });
    expect((await convex("env", "get", "FIXTURE_FROM_CLI")).trim()).toBe("hello from the CLI");
    expect((await convex("env", "list", "--include-values")).trim().split("\n")).toEqual([
      "FIXTURE_FROM_CLI=hello from the CLI",
      "FIXTURE_GREETING=from the file",
    ]);
    await convex("env", "remove", "FIXTURE_FROM_CLI");
    const client = new ConvexHttpClient(backend.url, { logger: false });
    expect(await client.query(read, { name: "FIXTURE_FROM_CLI" })).toBeNull();
  });

  test("only an admin can read them through the CLI's system query", async () => {
    const client = new ConvexHttpClient(backend.url, { logger: false });
    const error = await client
      .query(makeFunctionReference<"query">("_system/cli/queryEnvironmentVariables"), {})
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect(String(error)).toContain("Could not find public function");
  });
});
