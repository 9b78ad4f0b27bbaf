/**
 * `pnpm --filter @parley/local-backend bench:inbox`: how many documents the
 * inbox's queries read with 1,000 and with 100,000 conversations in one
 * organization. The goal is that cost does not grow with the organization:
 * for every query, reads at 100,000 / reads at 1,000 ≤ 1.05.
 *
 * Runs Parley's real functions on the local backend's engine, in memory,
 * and counts what each query execution was handed or fetched by id (the
 * read sets the engine records for reactivity, readSet.ts), and how long one
 * execution takes (median of `TIMED_RUNS`, which includes the row-level rules
 * the builders apply, lib/tenancy.ts). Prints figures; asserts nothing.
 * `PARLEY_BENCH_CONVEX_DIR` runs another copy of the functions (e.g. an older
 * checkout) for a before/after comparison.
 */
import type { DataModel, Id } from "@parley/backend/dataModel";
import type { GenericMutationCtx } from "convex/server";

import { Engine, type Caller, type SystemCtx } from "../src/engine.js";
import { defaultConvexDir } from "../src/index.js";
import { collectReads, ReadSet } from "../src/readSet.js";

const ORG = "org_inbox_bench";
const PAGE = { numItems: 25, cursor: null };
/** Organization sizes measured; `PARLEY_BENCH_SIZES=1000` for a quick timing comparison. */
const SIZES = process.env.PARLEY_BENCH_SIZES?.split(",").map(Number) ?? [1_000, 100_000];
/** Conversations inserted per transaction while seeding. */
const BATCH = 2_000;
/** Executions per query timed at each size; the median is printed. */
const TIMED_RUNS = 30;

function member(role: "admin" | "operator"): Caller {
  const subject = `${role}_${ORG}`;
  return {
    admin: false,
    identity: {
      subject,
      issuer: "https://auth.parley.bench",
      tokenIdentifier: `https://auth.parley.bench|${subject}`,
      name: `${role} of the bench`,
      org_id: ORG,
      org_role: role === "admin" ? "org:admin" : "org:member",
      org_name: "Bench organization",
    },
  };
}
const admin = member("admin");

/** The engine's system transaction, typed with Parley's schema. */
const typed = (ctx: SystemCtx) => ctx as unknown as GenericMutationCtx<DataModel>;
const operator = member("operator");

const engine = await Engine.start({
  convexDir: process.env.PARLEY_BENCH_CONVEX_DIR ?? defaultConvexDir(),
  enforceLimits: false,
  pollIntervalMs: 0,
});

async function call(
  kind: "query" | "mutation",
  udfPath: string,
  args: Record<string, unknown>,
  caller: Caller,
) {
  const { outcome } = await engine.run(kind, { udfPath, args: args as never }, caller);
  if (!outcome.success) throw new Error(`${udfPath} failed: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

/** Documents the query read (and tables read whole, which no count captures). */
async function reads(udfPath: string, args: Record<string, unknown>) {
  const set = new ReadSet();
  await collectReads(set, () => call("query", udfPath, args, operator));
  return { documents: set.documentCount, whole: set.wholeTables };
}

/** Median wall time of one execution, in milliseconds. */
async function medianMs(udfPath: string, args: Record<string, unknown>) {
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const started = performance.now();
    await call("query", udfPath, args, operator);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

await call("mutation", "private/organizations:bootstrap", {}, admin);
await call("mutation", "private/organizations:bootstrap", {}, operator);
const { organizationId, operatorId } = await engine.runSystem(async (system) => {
  const ctx = typed(system);
  const organization = await ctx.db
    .query("organizations")
    .withIndex("by_external_id", (q) => q.eq("externalId", ORG))
    .unique();
  const user = await ctx.db
    .query("users")
    .withIndex("by_token_identifier", (q) =>
      q.eq("tokenIdentifier", operator.identity!.tokenIdentifier),
    )
    .unique();
  return { organizationId: organization!._id, operatorId: user!._id };
});

const STATUSES = ["unresolved", "escalated", "resolved"] as const;
let seeded = 0;
let sampleConversation: Id<"conversations"> | null = null;

/** Add conversations (a session, a conversation and two messages each) up to `total`, as the app writes them. */
async function seedTo(total: number) {
  while (seeded < total) {
    const count = Math.min(BATCH, total - seeded);
    const start = seeded;
    await engine.runSystem(async (system) => {
      const ctx = typed(system);
      const added = { unresolved: 0, escalated: 0, resolved: 0 };
      for (let i = start; i < start + count; i++) {
        const status = STATUSES[i % 3]!;
        added[status] += 1;
        const at = 1_700_000_000_000 + i * 1_000;
        const sessionId = await ctx.db.insert("contactSessions", {
          organizationId,
          tokenHash: `bench-${i}`,
          name: `Visitor ${i}`,
          metadata: {},
          expiresAt: at + 7 * 24 * 3600 * 1000,
        });
        const conversationId = await ctx.db.insert("conversations", {
          organizationId,
          contactSessionId: sessionId,
          status,
          channel: i % 5 === 0 ? "voice" : "chat",
          ...(i % 2 === 0 ? { assigneeId: operatorId } : {}),
          lastMessageAt: at,
          lastMessagePreview: `Question ${i}`,
          ...(status === "escalated" ? { waitingSince: at } : {}),
        });
        await ctx.db.insert("messages", {
          organizationId,
          conversationId,
          role: "visitor",
          body: `Question ${i}`,
          status: "complete",
        });
        await ctx.db.insert("messages", {
          organizationId,
          conversationId,
          role: "ai",
          body: `Answer ${i}`,
          status: "complete",
        });
        if (i === 10) sampleConversation = conversationId;
      }
      for (const status of STATUSES) {
        const row = await ctx.db
          .query("conversationCounts")
          .withIndex("by_organization_id_and_status", (q) =>
            q.eq("organizationId", organizationId).eq("status", status),
          )
          .unique();
        if (row) await ctx.db.patch(row._id, { count: row.count + added[status] });
        else
          await ctx.db.insert("conversationCounts", {
            organizationId,
            status,
            count: added[status],
          });
      }
    });
    seeded += count;
  }
}

const QUERIES: { name: string; udfPath: string; args: () => Record<string, unknown> }[] = [
  {
    name: "list: everyone",
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE }),
  },
  ...STATUSES.map((status) => ({
    name: `list: ${status}`,
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE, status }),
  })),
  {
    name: "list: mine",
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE, assignee: "me" }),
  },
  {
    name: "list: unassigned escalated",
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE, status: "escalated", assignee: "unassigned" }),
  },
  {
    name: "list: voice",
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE, channel: "voice" }),
  },
  {
    name: "list: longest waiting",
    udfPath: "private/conversations:list",
    args: () => ({ paginationOpts: PAGE, sort: "waiting" }),
  },
  { name: "counts", udfPath: "private/conversations:counts", args: () => ({}) },
  {
    name: "view: conversation + contact panel",
    udfPath: "private/conversations:get",
    args: () => ({ conversationId: sampleConversation }),
  },
  {
    name: "view: messages",
    udfPath: "private/messages:list",
    args: () => ({ conversationId: sampleConversation, paginationOpts: PAGE }),
  },
];

const figures = new Map<string, number[]>();
const timings = new Map<string, number[]>();
for (const size of SIZES) {
  const started = performance.now();
  await seedTo(size);
  console.log(
    `seeded ${size.toLocaleString("en")} conversations (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  for (const query of QUERIES) {
    const { documents, whole } = await reads(query.udfPath, query.args());
    if (whole.length > 0) console.log(`  ${query.name} reads whole tables: ${whole.join(", ")}`);
    figures.set(query.name, [...(figures.get(query.name) ?? []), documents]);
    const ms = await medianMs(query.udfPath, query.args());
    timings.set(query.name, [...(timings.get(query.name) ?? []), ms]);
  }
}

console.log(`\ndocuments read per query, one organization (page of ${PAGE.numItems}):`);
console.log(
  `${"query".padEnd(38)}${SIZES.map((s) => s.toLocaleString("en").padStart(10)).join("")}     ratio`,
);
let worst = 0;
for (const [name, [small, large]] of figures) {
  const ratio = (large ?? small!) / Math.max(1, small!);
  worst = Math.max(worst, ratio);
  console.log(
    `${name.padEnd(38)}${String(small).padStart(10)}${String(large ?? "").padStart(10)}${ratio.toFixed(2).padStart(10)}`,
  );
}
console.log(`\nworst ratio ${worst.toFixed(2)} (goal ≤ 1.05)`);

console.log(`\nmedian ms per execution (${TIMED_RUNS} runs):`);
for (const [name, ms] of timings) {
  console.log(`${name.padEnd(38)}${ms.map((m) => m.toFixed(2).padStart(10)).join("")}`);
}
await engine.close();
