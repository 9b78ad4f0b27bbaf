/**
 * `pnpm --filter @parley/bench ai-overhead [rounds]`: what Parley adds between
 * a visitor's message and the first token they see. A loopback
 * OpenAI-compatible server answers after a fixed time-to-first-token; the
 * figure is (send → first AI text visible to a subscribed client, through the
 * reply's deltas in `messages.streaming`) minus that delay. Goal: at most 50 ms at p95. Runs on the local backend, in this
 * process (the client too), so a busy machine shows in the figures: run it a
 * few times. Also prints how long the typing indicator (the reply's message,
 * still empty) takes to appear; when the first words come in the same update,
 * both times are the same. Prints figures; asserts nothing.
 */
import { api } from "@parley/backend/api";
import { startLocalBackend } from "@parley/local-backend";
import { ConvexClient } from "convex/browser";

import { startOpenAiServer } from "../packages/backend/test/openaiServer";
import {
  createIssuer,
  memberClaims,
  startVisitorSession,
  trustIssuer,
} from "../packages/local-backend/test/support";

const ROUNDS = Number(process.argv[2] ?? 50);
/** Rounds run first and not counted: they load and compile the code paths. */
const WARM_UP_ROUNDS = 3;
const TIME_TO_FIRST_TOKEN_MS = 200;

// The bench organization's limits (new visitor sessions per minute, AI replies) allow about this many.
const MAX_ROUNDS = 100;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > MAX_ROUNDS) {
  throw new Error(`The number of rounds must be 1 to ${MAX_ROUNDS}, got "${process.argv[2]}".`);
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
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
const ROUNDS_PER_SESSION = 5;
let sessionToken = "";
const overheads: number[] = [];
const typing: number[] = [];
for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
  openai.script.push({ text: ["Hello", " from the model."] });
  // A fresh session every few rounds keeps the per-session limits (5 conversations at once)
  // out of the way, and the per-address session limit too (every round comes from loopback).
  if (round % ROUNDS_PER_SESSION === 0) {
    ({ sessionToken } = await startVisitorSession(backend.siteUrl, {
      organizationId: "org_bench",
    }));
  }
  const conversationId = await visitor.mutation(api.public.conversations.create, { sessionToken });
  let sentAt = 0;
  let typingAt = 0;
  let lastBefore: string | undefined;
  let subscribed: () => void = () => {};
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  // The first words arrive as a delta (messages.streaming), or in the finished body.
  let firstTokenAt = 0;
  const unsubscribes: (() => void)[] = [];
  const firstToken = new Promise<number>((resolve) => {
    const seen = () => {
      firstTokenAt ||= performance.now();
      resolve(firstTokenAt);
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
    unsubscribes.push(
      visitor.onUpdate(
        api.public.messages.list,
        { sessionToken, conversationId, paginationOpts: { numItems: 10, cursor: null } },
        (result) => {
          const latest = result.page[0];
          if (!sentAt) {
            // The conversation as it was before the question (the agent's greeting).
            lastBefore = latest?._id;
            subscribed();
            return;
          }
          // The reply: a new AI message, first empty (the typing indicator), then complete.
          if (latest?.role !== "ai" || latest._id === lastBefore) return;
          typingAt ||= performance.now();
          if (latest.body.length > 0) seen();
        },
      ),
      visitor.onUpdate(
        api.public.messages.streaming,
        { sessionToken, conversationId },
        (replies) => {
          if (sentAt && replies.some((reply) => reply.deltas.length > 0)) seen();
        },
      ),
    );
  });
  await ready;
  sentAt = performance.now();
  await visitor.mutation(api.public.messages.send, {
    sessionToken,
    conversationId,
    body: `Question ${round}`,
  });
  await firstToken;
  if (round < WARM_UP_ROUNDS) continue;
  overheads.push(firstTokenAt - sentAt - TIME_TO_FIRST_TOKEN_MS);
  typing.push(typingAt - sentAt);
}

console.log(
  `AI pipeline overhead over ${ROUNDS} messages (after ${WARM_UP_ROUNDS} warm-up), first visible ` +
    `token minus the model's ${TIME_TO_FIRST_TOKEN_MS} ms: ${summary(overheads)} (goal ≤ 50 ms at p95)`,
);
console.log(`Typing indicator visible after send: ${summary(typing)}`);

await Promise.all([admin.close(), visitor.close()]);
await backend.close();
await openai.close();
