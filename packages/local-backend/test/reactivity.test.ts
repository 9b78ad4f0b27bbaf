/**
 * Read sets: a commit re-runs only the cached query results it can change,
 * and a client never sees a stale result once a mutation that changed it has
 * resolved. The fixture app's notes give index ranges, point reads, a full
 * scan and pagination to check against.
 */
import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { GenericId } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { Engine, type Caller, type FunctionCall } from "../src/engine.js";
import type { LocalBackend } from "../src/index.js";
import { FIXTURE_CONVEX_DIR, QueryWatch, startBackend } from "./support.js";

type NoteId = GenericId<"notes">;
const anyone: Caller = { identity: null, admin: false };

describe("the engine's query cache", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.start({ convexDir: FIXTURE_CONVEX_DIR, onFunctionLog: () => {} });
  });
  afterAll(() => engine.close());

  async function write(udfPath: string, args: Record<string, unknown>): Promise<NoteId> {
    const { outcome } = await engine.run("mutation", { udfPath, args } as FunctionCall, anyone);
    if (!outcome.success) throw new Error(outcome.errorMessage);
    await engine.checkCommits();
    return outcome.value as NoteId;
  }

  /** The query's value now, and whether answering it ran the query. */
  async function read(udfPath: string, args: Record<string, unknown> = {}) {
    const before = engine.queryRuns;
    const { ts, results } = await engine.queryConsistent([
      { call: { udfPath, args } as FunctionCall, caller: anyone },
    ]);
    const [result] = results;
    if (!result?.success) throw new Error(`${udfPath} failed`);
    return { value: result.value, ran: engine.queryRuns > before, ts };
  }

  test("an index range re-runs for writes inside it, and not for writes outside it", async () => {
    expect(await read("notes:inList", { list: "a" })).toMatchObject({ value: [], ran: true });
    const first = await read("notes:inList", { list: "a" });
    expect(first).toMatchObject({ value: [], ran: false });

    await write("notes:add", { list: "b", rank: 1, text: "b1" });
    expect(await read("notes:inList", { list: "b" })).toMatchObject({ value: ["b1"], ran: true });
    const untouched = await read("notes:inList", { list: "a" });
    expect(untouched).toMatchObject({ value: [], ran: false });
    // Still the answer as of the latest commit.
    expect(untouched.ts).toBeGreaterThan(first.ts);
    expect(untouched.ts).toBe(engine.latestObservedTs);

    const a1 = await write("notes:add", { list: "a", rank: 1, text: "a1" });
    expect(await read("notes:inList", { list: "a" })).toMatchObject({ value: ["a1"], ran: true });

    // A document leaving the range (moved to another list) is seen too.
    await write("notes:update", { id: a1, list: "b" });
    expect(await read("notes:inList", { list: "a" })).toMatchObject({ value: [], ran: true });
    // Ranks tie: creation order.
    expect(await read("notes:inList", { list: "b" })).toMatchObject({
      value: ["b1", "a1"],
      ran: true,
    });

    // And one deleted.
    await write("notes:remove", { id: a1 });
    expect(await read("notes:inList", { list: "b" })).toMatchObject({ value: ["b1"], ran: true });
  });

  test("range bounds beyond equality are honoured", async () => {
    await write("notes:add", { list: "r", rank: 5, text: "r5" });
    expect(await read("notes:rankedFrom", { list: "r", min: 3 })).toMatchObject({
      value: ["r5"],
    });
    await write("notes:add", { list: "r", rank: 1, text: "r1" });
    expect(await read("notes:rankedFrom", { list: "r", min: 3 })).toMatchObject({
      value: ["r5"],
      ran: false,
    });
    await write("notes:add", { list: "r", rank: 4, text: "r4" });
    expect(await read("notes:rankedFrom", { list: "r", min: 3 })).toMatchObject({
      value: ["r4", "r5"],
      ran: true,
    });
  });

  test("a query that took the first document of a range sees a new first, and a change to it", async () => {
    const low = await write("notes:add", { list: "t", rank: 1, text: "low" });
    expect(await read("notes:top", { list: "t" })).toMatchObject({ value: "low" });
    const high = await write("notes:add", { list: "t", rank: 9, text: "high" });
    expect(await read("notes:top", { list: "t" })).toMatchObject({ value: "high", ran: true });
    await write("notes:update", { id: high, text: "higher" });
    expect(await read("notes:top", { list: "t" })).toMatchObject({ value: "higher", ran: true });
    await write("notes:update", { id: high, rank: 0 });
    expect(await read("notes:top", { list: "t" })).toMatchObject({ value: "low", ran: true });
    await write("notes:update", { id: low, text: "lower" });
    expect(await read("notes:top", { list: "t" })).toMatchObject({ value: "lower", ran: true });
  });

  test("a page re-runs for writes in its range", async () => {
    const args = { list: "g", paginationOpts: { numItems: 2, cursor: null } };
    await write("notes:add", { list: "g", rank: 1, text: "g1" });
    const moving = await write("notes:add", { list: "h", rank: 0, text: "h0" });
    expect(await read("notes:page", args)).toMatchObject({ value: { page: ["g1"] } });
    await write("notes:add", { list: "h", rank: 2, text: "h2" });
    expect(await read("notes:page", args)).toMatchObject({ ran: false });
    await write("notes:update", { id: moving, list: "g" });
    expect(await read("notes:page", args)).toMatchObject({
      value: { page: ["h0", "g1"] },
      ran: true,
    });
  });

  test("a point read re-runs only for its document", async () => {
    const mine = await write("notes:add", { list: "p", rank: 1, text: "mine" });
    expect(await read("notes:get", { id: mine })).toMatchObject({ value: "mine" });
    await write("notes:add", { list: "p", rank: 2, text: "other" });
    expect(await read("notes:get", { id: mine })).toMatchObject({ value: "mine", ran: false });
    await write("notes:update", { id: mine, text: "edited" });
    expect(await read("notes:get", { id: mine })).toMatchObject({ value: "edited", ran: true });
    await write("notes:remove", { id: mine });
    expect(await read("notes:get", { id: mine })).toMatchObject({ value: null, ran: true });
  });

  test("a full scan re-runs for any write to its table, and a query that reads nothing never", async () => {
    const { value } = await read("notes:count");
    await read("notes:constant");
    await write("events:record", { source: "elsewhere", payload: null });
    expect(await read("notes:count")).toMatchObject({ value, ran: false });
    await write("notes:add", { list: "z", rank: 1, text: "z" });
    expect(await read("notes:count")).toMatchObject({ value: (value as number) + 1, ran: true });
    expect(await read("notes:constant")).toMatchObject({ value: 42, ran: false });
  });

  test("results asked for together are as of one timestamp, and invalidation runs them all again", async () => {
    const { results } = await engine.queryConsistent([
      { call: { udfPath: "notes:inList", args: { list: "a" } }, caller: anyone },
      { call: { udfPath: "notes:inList", args: { list: "a" } }, caller: anyone },
      { call: { udfPath: "notes:count", args: {} }, caller: anyone },
    ]);
    expect(results[0]).toBe(results[1]);
    const before = engine.queryRuns;
    engine.invalidateQueries();
    await read("notes:inList", { list: "a" });
    expect(engine.queryRuns).toBe(before + 1);
  });
});

const notes = {
  add: makeFunctionReference<"mutation", { list: string; rank: number; text: string }, NoteId>(
    "notes:add",
  ),
  update: makeFunctionReference<"mutation", { id: NoteId; list?: string; rank?: number }>(
    "notes:update",
  ),
  remove: makeFunctionReference<"mutation", { id: NoteId }>("notes:remove"),
  inList: makeFunctionReference<"query", { list: string }, string[]>("notes:inList"),
  top: makeFunctionReference<"query", { list: string }, string | null>("notes:top"),
  count: makeFunctionReference<"query", Record<string, never>, number>("notes:count"),
};

describe("subscribers", () => {
  let backend: LocalBackend;
  let writer: ConvexClient;
  let reader: ConvexClient;

  beforeAll(async () => {
    backend = await startBackend({ convexDir: FIXTURE_CONVEX_DIR, onFunctionLog: () => {} });
    writer = new ConvexClient(backend.url, { logger: false });
    reader = new ConvexClient(backend.url, { logger: false });
  });
  afterAll(async () => {
    await Promise.all([writer.close(), reader.close()]);
    await backend.close();
  });

  test("never see a stale result once a mutation that changed it has resolved", async () => {
    const lists = ["x", "y"];
    type Subscription = {
      udfPath: string;
      args: Record<string, unknown>;
      watch: QueryWatch<unknown>;
    };
    const subscribe = (client: ConvexClient): Subscription[] =>
      lists.flatMap((list) => {
        const queries: [string, Record<string, unknown>, () => QueryWatch<unknown>][] = [
          ["notes:inList", { list }, () => watch(client, notes.inList, { list })],
          ["notes:top", { list }, () => watch(client, notes.top, { list })],
        ];
        return queries.map(([udfPath, args, start]) => ({ udfPath, args, watch: start() }));
      });
    const mine = [...subscribe(writer), countSubscription(writer)];
    const theirs = [...subscribe(reader), countSubscription(reader)];
    const truth = async ({ udfPath, args }: Subscription) => {
      const call = { udfPath, args } as FunctionCall;
      const { outcome } = await backend.engine.run("query", call, anyone);
      if (!outcome.success) throw new Error(outcome.errorMessage);
      return outcome.value;
    };
    const latest = ({ watch: subscription }: Subscription) => {
      const event = subscription.events.at(-1);
      return event?.ok ? event.value : undefined;
    };
    // Every subscription has its first result before the mutations start.
    await Promise.all([...mine, ...theirs].map((subscription) => subscription.watch.value()));

    // A fixed pseudo-random sequence of adds, moves, re-ranks and removals.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 48271) % 2147483647; // Park–Miller: exact in doubles
      return seed % n;
    };
    const ids: NoteId[] = [];
    for (let step = 0; step < 40; step++) {
      const choice = ids.length < 3 ? 0 : random(4);
      if (choice === 0) {
        const list = lists[random(2)]!;
        ids.push(await writer.mutation(notes.add, { list, rank: random(10), text: `n${step}` }));
      } else if (choice === 1) {
        await writer.mutation(notes.update, {
          id: ids[random(ids.length)]!,
          list: lists[random(2)]!,
        });
      } else if (choice === 2) {
        await writer.mutation(notes.update, { id: ids[random(ids.length)]!, rank: random(10) });
      } else {
        const [id] = ids.splice(random(ids.length), 1);
        await writer.mutation(notes.remove, { id: id! });
      }
      // The mutation has resolved: the writer's results include it (read-your-writes).
      for (const subscription of mine) {
        expect(latest(subscription), `${subscription.udfPath} after step ${step}`).toEqual(
          await truth(subscription),
        );
      }
    }
    // The other client catches up with the same final state.
    for (const subscription of theirs) {
      const expected = await truth(subscription);
      await subscription.watch.waitFor(
        (event) => event.ok && JSON.stringify(event.value) === JSON.stringify(expected),
      );
    }
  });
});

function watch<Args extends Record<string, unknown>, Result>(
  client: ConvexClient,
  reference: Parameters<ConvexClient["onUpdate"]>[0],
  args: Args,
): QueryWatch<unknown> {
  return new QueryWatch<unknown>((onValue, onError) =>
    client.onUpdate(reference, args, (value) => onValue(value as Result), onError),
  );
}

function countSubscription(client: ConvexClient) {
  return { udfPath: "notes:count", args: {}, watch: watch(client, notes.count, {}) };
}
