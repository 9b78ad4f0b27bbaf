/**
 * Test support for the runtime's lifecycle: temporary data directories,
 * editable copies of the small `tasks` fixture app, and the CLI as a child
 * process (what `pnpm start` runs, and what a test can `kill -9`).
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { cp, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

import { makeFunctionReference } from "convex/server";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
/** tsx's loader, registered in the server's own process (the `tsx` command would run it in a child, out of reach of a test's SIGKILL). */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The fixture app: a `tasks` table, scheduled work and logging, no auth. */
export const TASKS_FIXTURE = fileURLToPath(new URL("fixtures/tasks/convex", import.meta.url));

export type Task = { id: string; label: string; source: string };

/** The fixture's functions, by name (it has no generated `api`). */
export const tasks = {
  list: makeFunctionReference<"query", Record<string, never>, Task[]>("tasks:list"),
  add: makeFunctionReference<"mutation", { text: string }, string>("tasks:add"),
  addLater: makeFunctionReference<"mutation", { text: string; delayMs: number }, string>(
    "tasks:addLater",
  ),
  addAt: makeFunctionReference<"mutation", { text: string; at: number }, string>("tasks:addAt"),
  cancel: makeFunctionReference<"mutation", { jobId: string }, null>("tasks:cancel"),
  job: makeFunctionReference<"query", { jobId: string }, { name: string; state: string } | null>(
    "tasks:job",
  ),
  addTwice: makeFunctionReference<"action", { text: string }, null>("tasks:addTwice"),
};

const cleanups: string[] = [];

/** A fresh temporary directory, removed by `removeTempDirs`. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `parley-${prefix}-`));
  cleanups.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * A copy of the tasks app that a test may edit, at `<tmp>/convex`. The copy
 * resolves `convex` through a link to this package's node_modules, and is an
 * ES module package like the real backend.
 */
export async function copyTasksApp(): Promise<string> {
  const root = await tempDir("app");
  await writeFile(path.join(root, "package.json"), '{ "type": "module" }\n');
  await symlink(path.join(packageDir, "node_modules"), path.join(root, "node_modules"), "dir");
  const convexDir = path.join(root, "convex");
  await cp(TASKS_FIXTURE, convexDir, { recursive: true });
  return convexDir;
}

export type CliProcess = {
  url: string;
  /** The site URL (HTTP actions). */
  siteUrl: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything printed so far (stdout and stderr). */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Start the CLI (`pnpm start`) with extra environment; resolves once it prints its URL. */
export async function startCli(env: Record<string, string>): Promise<CliProcess> {
  const child = spawn(process.execPath, ["--import", tsxLoader, "src/cli.ts"], {
    cwd: packageDir,
    env: {
      ...process.env,
      PARLEY_LOCAL_BACKEND_PORT: "0",
      PARLEY_LOCAL_BACKEND_HOST: "127.0.0.1",
      PARLEY_LOCAL_BACKEND_WATCH: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [url, siteUrl] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const site =
        /HTTP actions \(NEXT_PUBLIC_CONVEX_SITE_URL\) at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match && site) resolve([match[1]!, site[1]!]);
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`The CLI exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  return { url, siteUrl, child, output: () => output, exited };
}
