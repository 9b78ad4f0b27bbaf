/**
 * Scheduled functions and crons in the running server, on real timers: they
 * run, their commits reach subscribed clients, pending ones survive a
 * restart, and Parley's agent streams its reply to a subscribed visitor.
 * Waits are bounded by the test timeout; nothing asserts how long they took.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";

import { api } from "@parley/backend/api";
import type { ConvexClient } from "convex/browser";
import { cronJobs, makeFunctionReference, type FunctionReturnType } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";

import { nextRunTime, parseCron, readCronJobs, type CronJob } from "../src/crons.js";
import type { LocalBackend, LocalBackendOptions } from "../src/index.js";
import { copyTasksApp, removeTempDirs, TASKS_FIXTURE, tasks, tempDir, type Task } from "./apps.js";
import { memberClaims, QueryWatch, startBackend, startVisitorSession } from "./support.js";
import { useServerTests } from "./server.js";

const server = useServerTests({ cleanup: removeTempDirs });
const { connect } = server;

beforeAll(() => {
  process.env.PARLEY_STREAM_PACING_MS = "0";
});

async function start(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const backend = await startBackend({
    convexDir: TASKS_FIXTURE,
    onFunctionLog: () => {},
    ...options,
  });
  return server.track(backend);
}

function watchTasks(client: ConvexClient) {
  return new QueryWatch<Task[]>((onValue, onError) =>
    client.onUpdate(tasks.list, {}, onValue, onError),
  );
}

function watchJob(client: ConvexClient, jobId: string) {
  return new QueryWatch<{ name: string; state: string } | null>((onValue, onError) =>
    client.onUpdate(tasks.job, { jobId }, onValue, onError),
  );
}

describe("ctx.scheduler", () => {
  test("runAfter runs the function later, and its commit reaches a subscribed client", async () => {
    const backend = await start();
    const client = connect(backend.url);
    const list = watchTasks(client);
    expect(await list.value()).toEqual([]);

    const jobId = await client.mutation(tasks.addLater, { text: "later", delayMs: 200 });
    const seen = await list.value((value) => value.length > 0);
    expect(seen).toEqual([expect.objectContaining({ label: "task: later", source: "scheduler" })]);
    expect(await watchJob(client, jobId).value((job) => job?.state === "success")).toEqual({
      name: "tasks:record",
      state: "success",
    });
  });

  test("runAt runs at its time, and a cancelled job never runs", async () => {
    const backend = await start();
    const client = connect(backend.url);
    const at = Date.now() + 300;
    const cancelled = await client.mutation(tasks.addAt, { text: "cancelled", at });
    await client.mutation(tasks.cancel, { jobId: cancelled });
    // Due after the cancelled one: once it has run, the cancelled one's time has passed too.
    const kept = await client.mutation(tasks.addAt, { text: "kept", at: at + 100 });
    await watchJob(client, kept).value((job) => job?.state === "success");

    expect(await client.query(tasks.job, { jobId: cancelled })).toMatchObject({
      state: "canceled",
    });
    expect((await client.query(tasks.list, {})).map((task) => task.label)).toEqual(["task: kept"]);
  });

  test("a pending job survives a restart and runs after it", async () => {
    const dataDir = await tempDir("scheduled");
    const first = await start({ dataDir });
    const client = connect(first.url);
    const jobId = await client.mutation(tasks.addLater, { text: "survivor", delayMs: 1_500 });
    expect(await client.query(tasks.job, { jobId })).toMatchObject({ state: "pending" });
    expect(await client.query(tasks.list, {})).toEqual([]);
    await client.close();
    await first.close();

    const second = await start({ dataDir });
    const again = connect(second.url);
    const seen = await watchTasks(again).value((value) => value.length > 0);
    expect(seen).toEqual([expect.objectContaining({ label: "task: survivor" })]);
    expect(await watchJob(again, jobId).value((job) => job?.state === "success")).toMatchObject({
      state: "success",
    });
  });
});

describe("Parley's agent", () => {
  type MessagePage = FunctionReturnType<typeof api.public.messages.list>;

  test("a visitor subscribed to the conversation sees the AI reply arrive", async () => {
    // Parley's own backend, not the fixture.
    const backend = server.track(await startBackend({ onFunctionLog: () => {} }));
    const organizationId = "org_agent";
    const admin = connect(backend.url);
    const token = await server.issuer.sign(memberClaims(organizationId, "admin"));
    admin.setAuth(() => Promise.resolve(token));
    await admin.mutation(api.private.organizations.bootstrap, {});

    const visitor = connect(backend.url);

    const { sessionToken } = await startVisitorSession(backend.siteUrl, {
      organizationId,
      metadata: {},
    });
    const conversationId = await visitor.mutation(api.public.conversations.create, {
      sessionToken,
    });
    const messages = new QueryWatch<MessagePage>((onValue, onError) =>
      visitor.onUpdate(
        api.public.messages.list,
        { sessionToken, conversationId, paginationOpts: { numItems: 20, cursor: null } },
        onValue,
        onError,
      ),
    );
    const greeting = await messages.value();
    const sentId = await visitor.mutation(api.public.messages.send, {
      sessionToken,
      conversationId,
      body: "Hello, can you help me?",
    });
    const answered = await messages.value((page) => {
      const [newest, previous] = page.page;
      return previous?._id === sentId && newest?.role === "ai" && newest.status === "complete";
    });
    expect(answered.page[0]!.body.length).toBeGreaterThan(0);
    expect(answered.page).toHaveLength(greeting.page.length + 2);
  });
});

describe("crons.ts", () => {
  test("runs its jobs on their schedule in the running server", async () => {
    const convexDir = await copyTasksApp();
    await writeFile(
      path.join(convexDir, "crons.ts"),
      [
        'import { cronJobs, makeFunctionReference } from "convex/server";',
        "",
        "const crons = cronJobs();",
        'const record = makeFunctionReference<"mutation">("tasks:record");',
        'crons.interval("tick", { seconds: 1 }, record, { text: "tick", source: "cron" });',
        "export default crons;",
        "",
      ].join("\n"),
    );
    const backend = await start({ convexDir });
    const ticks = await watchTasks(connect(backend.url)).value((value) => value.length >= 2);
    expect(new Set(ticks.map((task) => `${task.source} ${task.label}`))).toEqual(
      new Set(["cron task: tick"]),
    );
  });

  test("reads the jobs `cronJobs()` registers", () => {
    const crons = cronJobs();
    crons.daily(
      "digest",
      { hourUTC: 9, minuteUTC: 30 },
      makeFunctionReference<"mutation">("reports:send"),
      { kind: "daily" },
    );
    expect(readCronJobs({ default: crons })).toEqual([
      {
        name: "digest",
        udfPath: "reports:send",
        args: { kind: "daily" },
        schedule: { type: "daily", hourUTC: 9, minuteUTC: 30 },
      },
    ]);
    expect(() => readCronJobs({ default: {} })).toThrow(/export default/);
  });

  test("computes the next run the way Convex schedules them (UTC)", () => {
    const job = (schedule: CronJob["schedule"]): CronJob => ({
      name: "job",
      udfPath: "a:b",
      args: {},
      schedule,
    });
    const at = (iso: string) => Date.parse(iso);
    const next = (schedule: CronJob["schedule"], now: string) =>
      new Date(nextRunTime(job(schedule), at(now), at("2026-01-01T00:00:00Z"))).toISOString();

    expect(next({ type: "interval", seconds: 30 }, "2026-01-01T00:01:10Z")).toBe(
      "2026-01-01T00:01:30.000Z",
    );
    expect(next({ type: "hourly", minuteUTC: 15 }, "2026-03-04T10:20:00Z")).toBe(
      "2026-03-04T11:15:00.000Z",
    );
    expect(next({ type: "daily", hourUTC: 9, minuteUTC: 30 }, "2026-03-04T10:00:00Z")).toBe(
      "2026-03-05T09:30:00.000Z",
    );
    // 2026-03-04 is a Wednesday.
    expect(
      next(
        { type: "weekly", dayOfWeek: "monday", hourUTC: 8, minuteUTC: 0 },
        "2026-03-04T00:00:00Z",
      ),
    ).toBe("2026-03-09T08:00:00.000Z");
    // Months without a 31st are skipped.
    expect(
      next({ type: "monthly", day: 31, hourUTC: 0, minuteUTC: 0 }, "2026-04-01T00:00:00Z"),
    ).toBe("2026-05-31T00:00:00.000Z");
    expect(next({ type: "cron", cron: "*/15 * * * *" }, "2026-03-04T10:07:30Z")).toBe(
      "2026-03-04T10:15:00.000Z",
    );
    expect(next({ type: "cron", cron: "0 0 29 2 *" }, "2026-03-01T00:00:00Z")).toBe(
      "2028-02-29T00:00:00.000Z",
    );
    // Both day fields restricted: either one matches (1st of the month, or a Monday).
    expect(next({ type: "cron", cron: "0 12 1 * mon" }, "2026-03-04T00:00:00Z")).toBe(
      "2026-03-09T12:00:00.000Z",
    );
    // Without minuteUTC the minute is fixed per job name, as Convex spreads jobs over the hour.
    const spread = next({ type: "hourly" }, "2026-03-04T10:00:30Z");
    expect(spread).toBe(next({ type: "hourly" }, "2026-03-04T10:00:30Z"));
    expect(() => parseCron("* * *")).toThrow(/5 fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/not between 0 and 59/);
  });
});
