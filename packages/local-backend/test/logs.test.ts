/**
 * Function logs: every `console.*` line a function writes reaches the
 * server's log with the function that wrote it, including functions called
 * from actions and scheduled functions, and prints Convex-dev style.
 */
import { ConvexClient } from "convex/browser";
import { afterAll, beforeAll, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { formatFunctionLog, type FunctionLog } from "../src/logs.js";
import { TASKS_FIXTURE, tasks } from "./apps.js";
import { startBackend } from "./support.js";

const logs: FunctionLog[] = [];
let backend: LocalBackend;
let client: ConvexClient;

async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  backend = await startBackend({
    convexDir: TASKS_FIXTURE,
    onFunctionLog: (entry) => logs.push(entry),
  });
  client = new ConvexClient(backend.url, { logger: false });
});

afterAll(async () => {
  await client.close();
  await backend.close();
});

test("a mutation's console.log is reported with its path", async () => {
  await client.mutation(tasks.add, { text: "milk" });
  expect(logs).toContainEqual({
    componentPath: "",
    udfPath: "tasks:add",
    udfType: "mutation",
    level: "log",
    message: "adding milk",
  });
});

test("lines from an action and the mutations it runs name their own function", async () => {
  await client.action(tasks.addTwice, { text: "eggs" });
  expect(logs).toContainEqual(
    expect.objectContaining({
      udfPath: "tasks:addTwice",
      level: "info",
      message: "action for eggs",
    }),
  );
  expect(logs).toContainEqual(
    expect.objectContaining({
      udfPath: "tasks:record",
      udfType: "mutation",
      level: "warn",
      message: "recording eggs again from action",
    }),
  );
});

test("a scheduled function's lines are reported when it runs", async () => {
  await client.mutation(tasks.addLater, { text: "bread", delayMs: 0 });
  await eventually(() => logs.some((entry) => entry.message === "recording bread from scheduler"));
  expect(logs.find((entry) => entry.message === "recording bread from scheduler")).toMatchObject({
    udfPath: "tasks:record",
    level: "warn",
  });
});

test("prints like convex dev: [path] level: message", () => {
  const entry: FunctionLog = {
    componentPath: "",
    udfPath: "public/messages:send",
    udfType: "mutation",
    level: "log",
    message: "hello",
  };
  expect(formatFunctionLog(entry)).toBe("[public/messages:send] log: hello");
  expect(
    formatFunctionLog({ ...entry, componentPath: "rateLimiter", udfPath: "lib:rateLimit" }),
  ).toBe("[rateLimiter/lib:rateLimit] log: hello");
});
