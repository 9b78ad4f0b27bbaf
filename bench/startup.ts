/**
 * `pnpm --filter @parley/bench startup`: how long the local stack takes to
 * come up after install (backend, dashboard, widget, demo page, demo data),
 * cold (empty data directory) and warm (reusing it). Goal: under 90 s on 2 cores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { freePort, startStack } from "@parley/dev";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "parley-bench-"));

async function timeStart(label: string) {
  const ports = {
    backend: await freePort(),
    site: await freePort(),
    web: await freePort(),
    widget: await freePort(),
    demo: await freePort(),
  };
  const started = performance.now();
  const stack = await startStack({ rootDir, dataDir, ports, log: () => {} });
  const seconds = (performance.now() - started) / 1000;
  await stack.stop();
  console.log(`${label}: ready in ${seconds.toFixed(1)} s (goal < 90 s)`);
}

try {
  await timeStart("cold start (empty data, seeds the demo)");
  await timeStart("warm start (reuses data)");
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
