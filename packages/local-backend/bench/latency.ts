/**
 * `pnpm --filter @parley/local-backend bench`: how long a mutation takes to
 * resolve on the official client, and to reach every subscriber of a query it
 * changes. Prints figures; asserts nothing.
 *
 * The backend runs in its own process (as `pnpm dev` runs it), so the
 * subscribers' clients, all in this process, do not share its event loop,
 * and its CPU time per mutation is measured apart from theirs (read from
 * /proc on Linux). On a busy machine wall-clock figures swing with the
 * load; the server's CPU per mutation is the steadier figure to compare.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { api } from "@parley/backend/api";
import { ConvexClient } from "convex/browser";

import { createIssuer, memberClaims, trustIssuer } from "../test/support.js";

/** Subscriber counts to measure, and how many mutations each round of measurement makes. */
const RUNS = [
  { subscribers: 1, rounds: 300 },
  { subscribers: 50, rounds: 100 },
  { subscribers: 500, rounds: 30 },
];

function percentile(samples: number[], p: number): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(2);
}

/** User + system CPU time of a process in ms, or null where /proc is not there. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

const issuer = await createIssuer();
trustIssuer(issuer.jwksDataUri);
const server = spawn(
  process.execPath,
  ["--import", "tsx", fileURLToPath(new URL("../src/cli.ts", import.meta.url))],
  {
    env: {
      ...process.env,
      PARLEY_LOCAL_BACKEND_PORT: "0",
      PARLEY_LOCAL_BACKEND_WATCH: "false",
      PARLEY_LOCAL_BACKEND_DATA_DIR: ":memory:",
    },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let output = "";
  server.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    const match = /listening at (\S+)/.exec(output);
    if (match) resolve(match[1]!);
  });
  server.on("exit", (code) => reject(new Error(`The backend exited (${code}):\n${output}`)));
});
const admin = new ConvexClient(url, { logger: false });
const token = await issuer.sign(memberClaims("org_bench", "admin"));
await new Promise<boolean>((resolve) => admin.setAuth(() => Promise.resolve(token), resolve));
await admin.mutation(api.private.organizations.bootstrap, {});

for (const { subscribers, rounds } of RUNS) {
  let expected = "";
  let seen = 0;
  let allSeen: () => void = () => {};
  // Each subscriber is its own client (its own WebSocket), as separate visitors would be.
  const visitors = Array.from(
    { length: subscribers },
    () => new ConvexClient(url, { logger: false }),
  );
  await Promise.all(
    visitors.map(
      (visitor) =>
        new Promise<void>((ready) => {
          visitor.onUpdate(
            api.public.widgetSettings.getByOrganization,
            { organizationId: "org_bench" },
            (settings) => {
              ready();
              if (settings.agentName === expected && ++seen === subscribers) allSeen();
            },
          );
        }),
    ),
  );

  const resolved: number[] = [];
  const delivered: number[] = [];
  const cpuBefore = cpuMs(server.pid!);
  for (let round = 0; round < rounds; round++) {
    expected = `Agent ${subscribers}-${round}`;
    seen = 0;
    const everyone = new Promise<void>((resolve) => (allSeen = resolve));
    const start = performance.now();
    await admin.mutation(api.private.widgetSettings.update, { agentName: expected });
    resolved.push(performance.now() - start);
    await everyone;
    delivered.push(performance.now() - start);
  }
  const cpuAfter = cpuMs(server.pid!);
  const serverCpu =
    cpuBefore !== null && cpuAfter !== null
      ? `; backend CPU ${((cpuAfter - cpuBefore) / rounds).toFixed(1)} ms per mutation`
      : "";

  console.log(
    `${String(subscribers).padStart(3)} subscribers, ${rounds} mutations: ` +
      `mutation resolved p50 ${percentile(resolved, 0.5)} ms / p95 ${percentile(resolved, 0.95)} ms; ` +
      `every subscriber updated p50 ${percentile(delivered, 0.5)} ms / p95 ${percentile(delivered, 0.95)} ms` +
      serverCpu,
  );
  await Promise.all(visitors.map((client) => client.close()));
}

await admin.close();
server.kill("SIGTERM");
