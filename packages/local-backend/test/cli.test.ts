/**
 * The command developers run (`pnpm start`): tsx loads the backend's
 * TypeScript directly, the server prints its URL, serves the official client,
 * keeps its data in the data directory, and stops cleanly on SIGTERM. This
 * is the one test that exercises the runtime outside vitest's module loader.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { afterAll, expect, test } from "vitest";

import { removeTempDirs, startCli, tempDir } from "./apps.js";

afterAll(removeTempDirs);

test("pnpm start serves the backend at the URL it prints", async () => {
  const dataDir = await tempDir("cli");
  const cli = await startCli({ PARLEY_LOCAL_BACKEND_DATA_DIR: dataDir });
  expect(cli.output()).toContain(`data in ${dataDir}`);
  try {
    const client = new ConvexHttpClient(cli.url, { logger: false });
    const error = await client
      .query(api.public.widgetSettings.getByOrganization, { organizationId: "org_cli" })
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<{ code: string }>).data.code).toBe("NOT_FOUND");
    // The directory is taken while the server runs.
    expect(existsSync(path.join(dataDir, "LOCK"))).toBe(true);
  } finally {
    cli.child.kill("SIGTERM");
  }
  expect((await cli.exited).code).toBe(0);
  expect(cli.output()).toContain("shutting down (saving data)");
  expect(readdirSync(dataDir)).not.toContain("LOCK");
});

test("PARLEY_LOCAL_BACKEND_DATA_DIR=:memory: keeps nothing", async () => {
  const cli = await startCli({ PARLEY_LOCAL_BACKEND_DATA_DIR: ":memory:" });
  cli.child.kill("SIGTERM");
  expect((await cli.exited).code).toBe(0);
  expect(cli.output()).toContain("(Convex-compatible, in memory)");
  expect(cli.output()).toContain("in-memory data is discarded");
});
