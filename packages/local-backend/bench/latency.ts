/**
 * `pnpm --filter @parley/local-backend bench`: how long a mutation takes to
 * resolve on the official client, and to reach every subscriber of a query it
 * changes. Prints figures; asserts nothing.
 */
import { api } from "@parley/backend/api";
import { ConvexClient } from "convex/browser";

import { startLocalBackend } from "../src/index.js";
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

const issuer = await createIssuer();
trustIssuer(issuer.jwksDataUri);
const backend = await startLocalBackend({ port: 0, log: () => {} });
const admin = new ConvexClient(backend.url, { logger: false });
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
    () => new ConvexClient(backend.url, { logger: false }),
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

  console.log(
    `${String(subscribers).padStart(3)} subscribers, ${rounds} mutations: ` +
      `mutation resolved p50 ${percentile(resolved, 0.5)} ms / p95 ${percentile(resolved, 0.95)} ms; ` +
      `every subscriber updated p50 ${percentile(delivered, 0.5)} ms / p95 ${percentile(delivered, 0.95)} ms`,
  );
  await Promise.all(visitors.map((client) => client.close()));
}

await admin.close();
await backend.close();
