/**
 * The deployment's own answers to a few Convex syscalls, layered over
 * convex-test's.
 *
 * Functions reach their backend through `globalThis.Convex.asyncSyscall(op,
 * argsJson)`; convex-test installs that global and answers every op from its
 * in-memory database. A few answers depend on the deployment rather than on
 * the data, and convex-test can only make them up:
 *
 * - `1.0/storageGenerateUploadUrl` and `1.0/storageGetUrl` return URLs on a
 *   fake host; here they are URLs this server serves (storage.ts).
 * - `1.0/queryPage` with an end cursor (a journaled or split page, see
 *   pagination.ts): when the document at that cursor is gone (deleted, or
 *   moved by an update), convex-test reports the page as the last one, with
 *   the end of the range as its `continueCursor`. Convex returns the end
 *   cursor itself, so the page keeps its place and the client can still load
 *   the next one.
 *
 * The bridge also records what a query reads while the engine collects its
 * read set (readSet.ts).
 *
 * Which deployment a call belongs to comes from an AsyncLocalStorage scope
 * that the server enters for all its work (requests, sockets, timers started
 * inside it, scheduled functions). Calls outside any scope, e.g. an engine
 * used on its own in tests, pass through untouched.
 */
import { AsyncLocalStorage } from "node:async_hooks";

import { jsonToConvex, type JSONValue } from "convex/values";

import { recordSyscall } from "./readSet.js";

/** What a deployment answers itself; everything else is convex-test's. */
export type DeploymentSyscalls = {
  /** A URL a client can POST one file to (`ctx.storage.generateUploadUrl()`). */
  generateUploadUrl(): string;
  /** Where the stored file `storageId` is served (`ctx.storage.getUrl(id)`). */
  fileUrl(storageId: string): string;
};

type Syscall = (op: string, jsonArgs: string) => string;
type AsyncSyscall = (op: string, jsonArgs: string) => Promise<string>;

type ConvexGlobal = {
  readonly syscall: Syscall;
  readonly asyncSyscall: AsyncSyscall;
  readonly jsSyscall: unknown;
};

/** An action calling a query, mutation or action (`ctx.runQuery` …). */
const ACTION_CALLS = new Set(["1.0/actions/query", "1.0/actions/mutation", "1.0/actions/action"]);

/**
 * Let pending I/O run first. On Convex an action's `ctx.runMutation` is a
 * request to the backend; here it is a chain of promises, and an action
 * calling one function after another (a streaming reply's deltas) would keep
 * the event loop from reading and writing sockets until it paused.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The running transaction's snapshot timestamp, from convex-test itself. */
function snapshotTs(syscall: Syscall): bigint {
  return jsonToConvex(JSON.parse(syscall("1.0/getSnapshotTs", "{}")) as JSONValue) as bigint;
}

/** convex-test's marker for "no more pages", as a cursor. */
const END_CURSOR = "_end_cursor";

/** Marks the process once the bridge is installed on `globalThis.Convex`. */
const BRIDGE = Symbol.for("@parley/local-backend/syscalls");

/**
 * The deployments' scope, one per process: a test runner may load this module
 * once per test file, while the bridge installed on the global stays.
 */
const SCOPE = Symbol.for("@parley/local-backend/deployment-scope");
const scope = ((globalThis as { [SCOPE]?: AsyncLocalStorage<DeploymentSyscalls> })[SCOPE] ??=
  new AsyncLocalStorage<DeploymentSyscalls>());

/** Run `fn` (and everything it starts) as work of `deployment`. */
export function runInDeployment<T>(deployment: DeploymentSyscalls, fn: () => T): T {
  return scope.run(deployment, fn);
}

/**
 * A bounded page's `continueCursor` is its end cursor, as Convex returns it;
 * convex-test returns the end of the range when the document at the end
 * cursor no longer exists.
 */
function keepEndCursor(jsonArgs: string, jsonResult: string): string {
  const { endCursor } = JSON.parse(jsonArgs) as { endCursor?: string | null };
  if (typeof endCursor !== "string" || endCursor === END_CURSOR) return jsonResult;
  const result = JSON.parse(jsonResult) as {
    continueCursor: string;
    isDone: boolean;
    pageStatus?: string | null;
  };
  // A page cut short by maximumRowsRead ends where it stopped, on Convex too.
  if (result.pageStatus === "SplitRequired" || result.continueCursor !== END_CURSOR) {
    return jsonResult;
  }
  return JSON.stringify({ ...result, continueCursor: endCursor, isDone: false });
}

async function answer(
  deployment: DeploymentSyscalls,
  op: string,
  jsonArgs: string,
  next: AsyncSyscall,
): Promise<string> {
  switch (op) {
    case "1.0/storageGenerateUploadUrl":
      return JSON.stringify(deployment.generateUploadUrl());
    case "1.0/storageGetUrl": {
      // convex-test checks the file exists (null when not) and validates the ID.
      const fake = JSON.parse(await next(op, jsonArgs)) as string | null;
      if (fake === null) return JSON.stringify(null);
      const { storageId } = JSON.parse(jsonArgs) as { storageId: string };
      return JSON.stringify(deployment.fileUrl(storageId));
    }
    case "1.0/queryPage":
      return keepEndCursor(jsonArgs, await next(op, jsonArgs));
    default:
      return await next(op, jsonArgs);
  }
}

/**
 * Layer the deployment's answers over convex-test's syscalls, whether
 * convex-test has installed `globalThis.Convex` yet or does so later (it
 * assigns it once per process, when the first test instance is made).
 * Idempotent.
 */
export function installSyscallBridge(): void {
  const marks = globalThis as { [BRIDGE]?: true };
  if (marks[BRIDGE]) return;
  marks[BRIDGE] = true;
  let inner = (globalThis as { Convex?: ConvexGlobal }).Convex;
  const bridge = {
    // convex-test's getters resolve the calling test instance's syscalls; keep that.
    get syscall(): Syscall | undefined {
      const next = inner?.syscall;
      if (next === undefined) return next;
      return (op, jsonArgs) => {
        const recorded = recordSyscall(op, jsonArgs, () => snapshotTs(next));
        const result = next(op, jsonArgs);
        recorded?.(result);
        return result;
      };
    },
    get jsSyscall() {
      return inner?.jsSyscall;
    },
    get asyncSyscall(): AsyncSyscall | undefined {
      const next = inner?.asyncSyscall;
      const sync = inner?.syscall;
      if (next === undefined || sync === undefined) return next;
      const deployment = scope.getStore();
      const run: AsyncSyscall =
        deployment === undefined ? next : (op, jsonArgs) => answer(deployment, op, jsonArgs, next);
      return async (op, jsonArgs) => {
        if (ACTION_CALLS.has(op)) await yieldToEventLoop();
        const recorded = recordSyscall(op, jsonArgs, () => snapshotTs(sync));
        const result = await run(op, jsonArgs);
        recorded?.(result);
        return result;
      };
    },
  };
  Object.defineProperty(globalThis, "Convex", {
    configurable: true,
    get: () => bridge,
    set: (value: ConvexGlobal) => {
      inner = value;
    },
  });
}
