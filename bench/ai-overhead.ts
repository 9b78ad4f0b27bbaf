/**
 * `pnpm --filter @parley/bench ai-overhead`: what Parley adds between a
 * visitor's message and the first token they see. A loopback
 * OpenAI-compatible server answers after a fixed time-to-first-token; the
 * figure is (send → first AI text visible to a subscribed client) minus that
 * delay. Goal: at most 50 ms at p95. Runs on the local backend.
 */
import { api } from "@parley/backend/api";
import { startLocalBackend } from "@parley/local-backend";
import { ConvexClient } from "convex/browser";

import { startOpenAiServer } from "../packages/backend/test/openaiServer";
import { createIssuer, memberClaims, trustIssuer } from "../packages/local-backend/test/support";

const ROUNDS = 30;
const TIME_TO_FIRST_TOKEN_MS = 200;

function percentile(samples: number[], p: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1);
}

const openai = await startOpenAiServer({ firstTokenDelayMs: TIME_TO_FIRST_TOKEN_MS });
// The functions read their deployment's variables from the process environment.
process.env.OPENAI_API_KEY = "sk-bench";
process.env.OPENAI_BASE_URL = openai.baseURL;
const issuer = await createIssuer();
trustIssuer(issuer.jwksDataUri);
const backend = await startLocalBackend({ port: 0, log: () => {}, onFunctionLog: () => {} });

const admin = new ConvexClient(backend.url, { logger: false });
const token = await issuer.sign(memberClaims("org_bench", "admin"));
await new Promise<boolean>((resolve) => admin.setAuth(() => Promise.resolve(token), resolve));
await admin.mutation(api.private.organizations.bootstrap, {});

const visitor = new ConvexClient(backend.url, { logger: false });
const overheads: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  openai.script.push({ text: ["Hello", " from the model."] });
  // A fresh session per round keeps the per-session message limits out of the way.
  const { sessionToken } = await visitor.mutation(api.public.contactSessions.create, {
    organizationId: "org_bench",
    metadata: {},
  });
  const conversationId = await visitor.mutation(api.public.conversations.create, { sessionToken });
  let sentAt = 0;
  const firstToken = new Promise<number>((resolve) => {
    const unsubscribe = visitor.onUpdate(
      api.public.messages.list,
      { sessionToken, conversationId, paginationOpts: { numItems: 10, cursor: null } },
      (result) => {
        const latest = result.page[0];
        if (sentAt && latest?.role === "ai" && latest.body.length > 0) {
          resolve(performance.now() - sentAt);
          unsubscribe();
        }
      },
    );
  });
  sentAt = performance.now();
  await visitor.mutation(api.public.messages.send, {
    sessionToken,
    conversationId,
    body: `Question ${round}`,
  });
  overheads.push((await firstToken) - TIME_TO_FIRST_TOKEN_MS);
}

console.log(
  `AI pipeline overhead over ${ROUNDS} messages (first visible token minus the model's ${TIME_TO_FIRST_TOKEN_MS} ms): ` +
    `p50 ${percentile(overheads, 0.5)} ms, p95 ${percentile(overheads, 0.95)} ms (goal ≤ 50 ms at p95)`,
);

await Promise.all([admin.close(), visitor.close()]);
await backend.close();
await openai.close();
