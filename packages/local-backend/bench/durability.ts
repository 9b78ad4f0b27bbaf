/**
 * `pnpm --filter @parley/local-backend bench`: what durability and hot reload
 * cost. A mutation's round trip on the official client with the data
 * directory (fsync'd before it resolves) and in memory; a start that recovers
 * a database of 20,000 documents; a reload of a functions directory.
 * Prints figures; asserts nothing.
 */
import { ConvexClient } from "convex/browser";

import { Engine } from "../src/engine.js";
import { defaultConvexDir, startLocalBackend } from "../src/index.js";
import { copyTasksApp, removeTempDirs, TASKS_FIXTURE, tasks, tempDir } from "../test/apps.js";

const ROUNDS = 300;
const DOCUMENTS = 20_000;
const quiet = { onError: () => {}, onInfo: () => {}, onFunctionLog: () => {} };

function percentile(samples: number[], p: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(2);
}

async function mutationLatency(dataDir: string | undefined): Promise<number[]> {
  const backend = await startLocalBackend({
    port: 0,
    convexDir: TASKS_FIXTURE,
    dataDir,
    log: () => {},
    onFunctionLog: () => {},
  });
  const client = new ConvexClient(backend.url, { logger: false });
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await client.mutation(tasks.add, { text: `task ${round}` });
    samples.push(performance.now() - started);
  }
  await client.close();
  await backend.close();
  return samples.slice(20); // Past warm-up.
}

try {
  for (const [label, dataDir] of [
    ["in memory", undefined],
    ["data directory (fsync per commit batch)", await tempDir("bench")],
  ] as const) {
    const samples = await mutationLatency(dataDir);
    console.log(
      `mutation resolved on the client, ${label}: p50 ${percentile(samples, 0.5)} ms, p90 ${percentile(samples, 0.9)} ms`,
    );
  }

  const dataDir = await tempDir("bench");
  const filled = await Engine.start({ convexDir: TASKS_FIXTURE, dataDir, ...quiet });
  for (let batch = 0; batch < DOCUMENTS / 1000; batch++) {
    await filled.runSystem(async (ctx) => {
      for (let index = 0; index < 1000; index++) {
        await ctx.db.insert("tasks", { text: `task ${batch}-${index}`, source: "bench" });
      }
    });
  }
  await filled.close();
  const started = performance.now();
  const recovered = await Engine.start({ convexDir: TASKS_FIXTURE, dataDir, ...quiet });
  console.log(
    `start recovering ${DOCUMENTS} documents from a snapshot: ${(performance.now() - started).toFixed(0)} ms`,
  );
  await recovered.close();

  for (const [label, convexDir] of [
    ["the tasks app", await copyTasksApp()],
    ["Parley's backend", defaultConvexDir()],
  ] as const) {
    const engine = await Engine.start({ convexDir, ...quiet });
    const reloads: number[] = [];
    for (let round = 0; round < 10; round++) {
      const reloadStarted = performance.now();
      await engine.reload();
      reloads.push(performance.now() - reloadStarted);
    }
    await engine.close();
    console.log(`hot reload of ${label}: p50 ${percentile(reloads, 0.5)} ms`);
  }
} finally {
  await removeTempDirs();
}
