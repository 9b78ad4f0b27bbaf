/**
 * Hot reload: editing a file of the functions directory (a copy of the tasks
 * fixture) switches the running server to the new code without losing data,
 * subscribed queries re-run against it, and a broken edit leaves the previous
 * functions running with a clear error.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { copyTasksApp, removeTempDirs, tasks, type Task } from "./apps.js";
import { QueryWatch, startBackend } from "./support.js";

let convexDir: string;
let backend: LocalBackend;
let client: ConvexClient;
const problems: string[] = [];

/** Resolves once `check` holds; the test's timeout bounds the wait. */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  convexDir = await copyTasksApp();
  backend = await startBackend({
    convexDir,
    watch: true,
    onFunctionLog: () => {},
    log: (message) => problems.push(message),
  });
  client = new ConvexClient(backend.url, { logger: false });
});

afterAll(async () => {
  await client.close();
  await backend.close();
  await removeTempDirs();
});

describe("hot reload", () => {
  test("an edit to a module's dependency reaches subscribed queries, and the data stays", async () => {
    const list = new QueryWatch<Task[]>((onValue, onError) =>
      client.onUpdate(tasks.list, {}, onValue, onError),
    );
    const id = await client.mutation(tasks.add, { text: "one" });
    expect(await list.value((value) => value.length === 1)).toEqual([
      { id, label: "task: one", source: "client" },
    ]);

    // lib/format.ts is imported by tasks.ts, which did not change.
    await writeFile(
      path.join(convexDir, "lib", "format.ts"),
      "export function label(text: string): string {\n  return `TODO ${text.toUpperCase()}`;\n}\n",
    );
    expect(await list.value((value) => value[0]?.label === "TODO ONE")).toEqual([
      { id, label: "TODO ONE", source: "client" },
    ]);
    list.unsubscribe();
  });

  test("a new module's functions become callable", async () => {
    const hello = makeFunctionReference<"query", { name: string }, string>("greetings:hello");
    const greeting = new QueryWatch<string>((onValue, onError) =>
      client.onUpdate(hello, { name: "Ada" }, onValue, onError),
    );
    expect((await greeting.error()).message).toContain("Could not find public function");
    await writeFile(
      path.join(convexDir, "greetings.ts"),
      [
        'import { v } from "convex/values";',
        'import { query } from "./_generated/server";',
        "export const hello = query({",
        "  args: { name: v.string() },",
        "  handler: async (_ctx, { name }) => `Hello, ${name}!`,",
        "});",
        "",
      ].join("\n"),
    );
    expect(await greeting.value()).toBe("Hello, Ada!");
    greeting.unsubscribe();
  });

  test("a syntax error keeps the previous functions running and says where", async () => {
    const file = path.join(convexDir, "tasks.ts");
    const source = await readFile(file, "utf8");
    const before = problems.length;
    await writeFile(file, `${source}\nexport const broken = ;\n`);
    await eventually(() => problems.length > before);
    const report = problems.slice(before).join("\n");
    expect(report).toContain("Reloading after a change to tasks.ts failed");
    expect(report).toContain("previous functions keep running");
    expect(report).toMatch(/tasks\.ts.*failed to load/);
    expect(report).toMatch(/tasks\.ts:\d+:\d+/);

    // Still the last good code: with the edited lib/format.ts from the first test.
    await client.mutation(tasks.add, { text: "two" });
    expect((await client.query(tasks.list, {})).map((task) => task.label)).toEqual([
      "TODO ONE",
      "TODO TWO",
    ]);

    // Fixed: the next save loads again.
    const countTasks = makeFunctionReference<"query", Record<string, never>, number>("tasks:count");
    await writeFile(
      file,
      `${source}\nexport const count = query({ args: {}, handler: async (ctx) => (await ctx.db.query("tasks").collect()).length });\n`,
    );
    const count = new QueryWatch<number>((onValue, onError) =>
      client.onUpdate(countTasks, {}, onValue, onError),
    );
    expect(await count.value()).toBe(2);
    count.unsubscribe();
  });
});
