/**
 * `pnpm --filter @parley/local-backend bench`: how long a mutation takes to
 * resolve on the official client, and to reach every subscriber of a query it
 * changes. Prints figures; asserts nothing.
 */
import { api } from "@parley/backend/api";
import { ConvexClient } from "convex/browser";

import { startLocalBackend } from "../src/index.js";
import { createIssuer, memberClaims, trustIssuer } from "../test/support.js";

const ROUNDS = 300;
const SUBSCRIBERS = 10;

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

let expected = "";
let seen = 0;
let allSeen: () => void = () => {};
const visitors = Array.from(
  { length: SUBSCRIBERS },
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
            if (settings.agentName === expected && ++seen === SUBSCRIBERS) allSeen();
          },
        );
      }),
  ),
);

const resolved: number[] = [];
const delivered: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  expected = `Agent ${round}`;
  seen = 0;
  const everyone = new Promise<void>((resolve) => (allSeen = resolve));
  const start = performance.now();
  await admin.mutation(api.private.widgetSettings.update, { agentName: expected });
  resolved.push(performance.now() - start);
  await everyone;
  delivered.push(performance.now() - start);
}

console.log(`${ROUNDS} mutations, ${SUBSCRIBERS} subscribers`);
console.log(
  `mutation resolved on the client: p50 ${percentile(resolved, 0.5)} ms, p95 ${percentile(resolved, 0.95)} ms`,
);
console.log(
  `every subscriber updated:        p50 ${percentile(delivered, 0.5)} ms, p95 ${percentile(delivered, 0.95)} ms`,
);

await Promise.all([admin, ...visitors].map((client) => client.close()));
await backend.close();
