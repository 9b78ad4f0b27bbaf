/**
 * The command developers run (`pnpm start`): tsx loads the backend's
 * TypeScript directly, the server prints its URL, serves the official client,
 * and stops cleanly on SIGTERM. This is the one test that exercises the
 * runtime outside vitest's module loader.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { expect, test } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

test("pnpm start serves the backend at the URL it prints", async () => {
  const child = spawn(process.execPath, [tsxCli, "src/cli.ts"], {
    cwd: packageDir,
    env: { ...process.env, PARLEY_LOCAL_BACKEND_PORT: "0", PARLEY_LOCAL_BACKEND_HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening at (http:\/\/127\.0\.0\.1:\d+)/);
      if (match) resolve(match[1]!);
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });

  try {
    const client = new ConvexHttpClient(url, { logger: false });
    const error = await client
      .query(api.public.widgetSettings.getByOrganization, { organizationId: "org_cli" })
      .then(
        () => null,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<{ code: string }>).data.code).toBe("NOT_FOUND");
  } finally {
    child.kill("SIGTERM");
  }
  expect(await exited).toBe(0);
  expect(output).toContain("shutting down");
});
