/**
 * The data directory on its own terms: what is on disk after commits, a torn
 * last record, damage in the middle of the log, snapshots and compaction, the
 * lock, and the database clock across restarts. Driven through the engine
 * and the small tasks app; the whole-product tests are in persistence.test.ts.
 */
import { appendFile, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { Engine, type Caller } from "../src/engine.js";
import { decodeSegment, encodeRecord } from "../src/wal.js";
import { removeTempDirs, TASKS_FIXTURE, tempDir, type Task } from "./apps.js";

const anyone: Caller = { identity: null, admin: false };
const quiet = { onError: () => {}, onInfo: () => {}, onFunctionLog: () => {} };

async function start(dataDir: string, options: { snapshotBytes?: number } = {}) {
  return await Engine.start({ convexDir: TASKS_FIXTURE, dataDir, ...quiet, ...options });
}

async function add(engine: Engine, text: string): Promise<string> {
  const { outcome } = await engine.run(
    "mutation",
    { udfPath: "tasks:add", args: { text } },
    anyone,
  );
  if (!outcome.success) throw new Error(outcome.errorMessage);
  return outcome.value as string;
}

async function list(engine: Engine): Promise<Task[]> {
  const { outcome } = await engine.run("query", { udfPath: "tasks:list", args: {} }, anyone);
  if (!outcome.success) throw new Error(outcome.errorMessage);
  return outcome.value as Task[];
}

async function logFiles(dataDir: string): Promise<string[]> {
  return (await readdir(path.join(dataDir, "log"))).sort();
}

afterAll(removeTempDirs);

describe("the commit log", () => {
  test("frames each record with a checksum and reads back a torn tail as absent", () => {
    const records = ['{"a":1}', '{"b":2}'].map(encodeRecord).join("");
    const torn = Buffer.from(`${records}${encodeRecord('{"c":3}').slice(0, 12)}`);
    expect(decodeSegment(torn, "segment")).toEqual({
      payloads: ['{"a":1}', '{"b":2}'],
      intactBytes: Buffer.byteLength(records),
    });
    const damaged = Buffer.from(`${records.replace('{"a":1}', '{"a":9}')}`);
    expect(() => decodeSegment(damaged, "segment")).toThrow(/damaged at byte 0/);
  });

  test("holds every acknowledged commit, and a restart replays it", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    const ids = [await add(first, "one"), await add(first, "two")];
    // Acknowledged means on disk: the log already holds both before any shutdown.
    const [segment] = await logFiles(dataDir);
    const { payloads } = decodeSegment(await readFile(path.join(dataDir, "log", segment!)), "log");
    expect(payloads.join("\n")).toContain(ids[0]);
    expect(payloads.join("\n")).toContain(ids[1]);
    await first.close();

    const second = await start(dataDir);
    expect((await list(second)).map((task) => task.id)).toEqual(ids);
    await second.close();
  });

  test("drops a torn last record, then keeps appending after it", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    const kept = await add(first, "kept");
    const ts = await first.checkCommits();
    const logged = await readLog(dataDir);
    await first.close();
    // As if the process died while appending the next record.
    const segment = await crashedWith(dataDir, logged);
    await appendFile(segment, encodeRecord('{"ts":"99","writes":[]}').slice(0, 15));

    const infos: string[] = [];
    const second = await Engine.start({
      convexDir: TASKS_FIXTURE,
      dataDir,
      ...quiet,
      onInfo: (message) => infos.push(message),
    });
    expect(infos.join("\n")).toContain("Dropped an unfinished commit record");
    expect((await list(second)).map((task) => task.id)).toEqual([kept]);
    expect(await second.checkCommits()).toBe(ts);
    const next = await add(second, "next");
    await second.close();

    const third = await start(dataDir);
    expect((await list(third)).map((task) => task.id)).toEqual([kept, next]);
    await third.close();
  });

  test("refuses a log damaged in the middle instead of guessing past it", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    await add(first, "one");
    await add(first, "two");
    const logged = await readLog(dataDir);
    await first.close();
    const segment = await crashedWith(dataDir, logged);
    await writeFile(segment, (await readFile(segment, "utf8")).replace('"one"', '"eno"'));
    await expect(start(dataDir)).rejects.toThrow(/damaged at byte 0/);
  });
});

describe("snapshots", () => {
  test("compact the log while commits keep coming, without losing any", async () => {
    const dataDir = await tempDir("store");
    const engine = await start(dataDir, { snapshotBytes: 2_000 });
    const ids: string[] = [];
    for (let index = 0; index < 60; index++) ids.push(await add(engine, `task ${index}`));
    await engine.snapshot();
    const snapshot = JSON.parse(await readFile(path.join(dataDir, "snapshot.json"), "utf8")) as {
      format: string;
      components: Record<string, { documents: unknown[] }>;
    };
    expect(snapshot.format).toBe("parley-local-backend/1");
    expect(snapshot.components[""]!.documents).toHaveLength(60);
    // Everything the snapshot covers is gone from the log.
    expect(await logFiles(dataDir)).toHaveLength(0);
    ids.push(await add(engine, "after the snapshot"));
    expect(await logFiles(dataDir)).toHaveLength(1);
    await engine.close();

    const restarted = await start(dataDir);
    expect((await list(restarted)).map((task) => task.id)).toEqual(ids);
    await restarted.close();
  });
});

describe("file storage", () => {
  test("keeps stored files and their content type; a deleted file's bytes go at the next start", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    const storageId = await first.runSystem((ctx) =>
      ctx.storage.store(new Blob(["hello, disk"], { type: "text/plain" })),
    );
    await first.close();

    const second = await start(dataDir);
    const read = await second.runSystem(async (ctx) => {
      const blob = await ctx.storage.get(storageId);
      return blob && { text: await blob.text(), type: blob.type };
    });
    expect(read).toEqual({ text: "hello, disk", type: "text/plain" });
    await second.runSystem((ctx) => ctx.storage.delete(storageId));
    await second.close();

    const third = await start(dataDir);
    expect(await readdir(path.join(dataDir, "files", "_app"))).toEqual([]);
    await third.close();
  });
});

describe("the data directory", () => {
  test("is locked while a backend uses it", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    await expect(start(dataDir)).rejects.toThrow(/in use by another local backend/);
    await first.close();
    const second = await start(dataDir);
    await second.close();
  });

  test("keeps ids unique and the clock moving forward across restarts", async () => {
    const dataDir = await tempDir("store");
    const first = await start(dataDir);
    const before = [await add(first, "a"), await add(first, "b")];
    const ts = await first.checkCommits();
    await first.close();

    const second = await start(dataDir);
    expect(await second.checkCommits()).toBe(ts);
    const after = await add(second, "c");
    expect(before).not.toContain(after);
    expect(await second.checkCommits()).toBeGreaterThan(ts);
    await second.close();
  });
});

/** The log segments as they are now. */
async function readLog(dataDir: string): Promise<Map<string, Buffer>> {
  const logged = new Map<string, Buffer>();
  for (const name of await logFiles(dataDir)) {
    logged.set(name, await readFile(path.join(dataDir, "log", name)));
  }
  return logged;
}

/**
 * Put the directory back as a crash would have left it: the log as it was,
 * no snapshot of the clean close. Returns the last segment's path.
 */
async function crashedWith(dataDir: string, logged: Map<string, Buffer>): Promise<string> {
  await rm(path.join(dataDir, "snapshot.json"), { force: true });
  for (const name of await logFiles(dataDir)) await rm(path.join(dataDir, "log", name));
  let last = "";
  for (const [name, contents] of logged) {
    last = path.join(dataDir, "log", name);
    await writeFile(last, contents);
  }
  return last;
}
