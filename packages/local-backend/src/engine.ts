/**
 * The function engine: the official `convex-test` mock backend (with our
 * small patch, `patches/convex-test@0.0.60.patch`) holding one database,
 * wrapped with what a deployment adds on top of it:
 *
 * - resolving a client's `udfPath` the way Convex does, refusing internal
 *   functions and component functions to anyone but an admin, and checking
 *   the function is the kind the client asked for;
 * - one database clock: convex-test timestamps every commit, and
 *   `ctx.meta.getSnapshotTs()` (a public Convex API it implements) reads it.
 *   The patch reports every commit (a client's mutation, an action's
 *   `runMutation`, a scheduled function) to `onCommit`, which logs it to the
 *   data directory (store.ts) and, once that is on disk, tells listeners:
 *   nothing is acknowledged or shown to a client before it is durable;
 * - scheduled functions on real timers (convex-test's own), re-armed after a
 *   restart, and the jobs of `crons.ts` (crons.ts);
 * - hot reload of the functions directory (a new generation of modules, see
 *   loader.ts), and each function's `console` output printed with its path;
 * - a cache of query results with the read set of each execution
 *   (readSet.ts): a result stays valid across commits that wrote nothing it
 *   read, so a commit re-runs only the queries it can change, N subscribers
 *   to the same (function, args, identity) share one execution, and a set of
 *   results is consistent at one timestamp without re-reading the others.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import path from "node:path";

import { convexTest, type CommitEvent } from "convex-test";
import {
  makeFunctionReference,
  type AuthConfig,
  type FunctionReference,
  type UserIdentity,
} from "convex/server";
import { convexToJson, type JSONValue, type Value } from "convex/values";

import { evaluateAuthConfig } from "./authConfig.js";
import { CronRunner, readCronJobs, type CronJob } from "./crons.js";
import {
  appFrames,
  describeFailure,
  isConvexError,
  plainFailure,
  type FunctionFailure,
} from "./errors.js";
import { createFunctionConsole, printFunctionLog, type FunctionLogSink } from "./logs.js";
import { loadApp, loadAppCode, type LoadedApp, type ModuleMap } from "./modules.js";
import { collectReads, ReadSet, type DocumentWrite } from "./readSet.js";
import type { RecordedMutation } from "./sessionRequests.js";
import { DataStore, type MutationRequest } from "./store.js";
import { installSyscallBridge } from "./syscalls.js";
import { watchFunctions } from "./watch.js";

export type FunctionKind = "query" | "mutation" | "action";

/** Who is calling: what `ctx.auth.getUserIdentity()` returns, and whether they hold the admin key. */
export type Caller = { identity: UserIdentity | null; admin: boolean };

export const ANONYMOUS: Caller = { identity: null, admin: false };

/** How the deployment runs its own work (crons): no identity, internal functions allowed. */
const SYSTEM: Caller = { identity: null, admin: true };

export type FunctionCall = {
  udfPath: string;
  /** A component's path (`rateLimiter`); empty or absent for the app itself. */
  componentPath?: string | undefined;
  args: Record<string, Value>;
};

export type FunctionOutcome = { success: true; value: Value } | FunctionFailure;

/**
 * A query result as it goes on the wire, with a fingerprint to tell whether
 * it changed. A success carries its value's JSON text too: one cached result
 * is sent to every subscriber of it, and is serialized once for all of them.
 */
export type EncodedQueryResult =
  | { success: true; value: JSONValue; json: string; fingerprint: string }
  | (FunctionFailure & { fingerprint: string });

export type EngineOptions = {
  /** The Convex functions directory (`packages/backend/convex`). */
  convexDir: string;
  /** Enforce Convex's per-transaction read/write limits (convex-test's `transactionLimits`). Default true. */
  enforceLimits?: boolean;
  /**
   * Keep the database in this directory (see store.ts and the README), so it
   * survives restarts. Absent: in memory only, gone when the engine closes.
   */
  dataDir?: string | undefined;
  /** Snapshot and compact the log once it grows by this many bytes. Default 16 MiB. */
  snapshotBytes?: number;
  /** Reload the functions when a file in `convexDir` changes. Default false. */
  watch?: boolean | { debounceMs: number };
  /** Where functions' `console.*` lines go. Default: printed as `[path] level: message`. */
  onFunctionLog?: FunctionLogSink;
  /**
   * Also poll the database clock this often, in ms (0: never, the default).
   * Commits are reported by convex-test's commit hook; this is only a safety net.
   */
  pollIntervalMs?: number;
  /** Where the engine reports problems it cannot hand to a client. Default: console.error. */
  onError?: (message: string, error: unknown) => void;
  /** Where the engine reports what it did (reloads, recovery). Default: console.log. */
  onInfo?: (message: string) => void;
};

type RegisteredFunction = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isHttp?: boolean;
  isPublic?: boolean;
  isInternal?: boolean;
};

function isRegisteredFunction(value: unknown): value is RegisteredFunction {
  if ((typeof value !== "function" && typeof value !== "object") || value === null) return false;
  const fn = value as RegisteredFunction;
  return fn.isQuery === true || fn.isMutation === true || fn.isAction === true;
}

const KIND_NAME: Record<FunctionKind, string> = {
  query: "Query",
  mutation: "Mutation",
  action: "Action",
};

/**
 * `module/path:export` as Convex canonicalises it: a trailing `.js` on the
 * module is dropped and a missing export name means `default`.
 */
export function canonicalUdfPath(udfPath: string): { modulePath: string; exportName: string } {
  const colon = udfPath.lastIndexOf(":");
  let modulePath = colon === -1 ? udfPath : udfPath.slice(0, colon);
  const exportName = colon === -1 ? "default" : udfPath.slice(colon + 1);
  if (modulePath.endsWith(".js")) modulePath = modulePath.slice(0, -3);
  return { modulePath, exportName };
}

/** JSON with object keys sorted, so equal values give equal strings (used for cache keys). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A cache key for "what this caller's queries see": the whole identity, not only its subject. */
export function callerKey(caller: Caller): string {
  return `${caller.admin ? "admin" : "user"}:${caller.identity ? stableStringify(caller.identity) : "anonymous"}`;
}

/**
 * What identifies a failure for "did the result change": its message and data,
 * but not the request id, which differs on every execution of the same error.
 */
export function failureFingerprint(failure: FunctionFailure): string {
  return `error:${stableStringify({
    message: failure.errorMessage.replace(/^\[Request ID: [^\]]*\] /, ""),
    data: failure.errorData ?? null,
  })}`;
}

/** Module path (without extension) → loader, for one component's map. */
function indexModules(modules: ModuleMap, prefix: string): Map<string, () => Promise<unknown>> {
  const index = new Map<string, () => Promise<unknown>>();
  for (const [key, load] of Object.entries(modules)) {
    if (!key.startsWith(`${prefix}/`)) continue;
    index.set(key.slice(prefix.length + 1).replace(/\.(ts|js)$/, ""), load);
  }
  return index;
}

type TestInstance = ReturnType<typeof convexTest>;

/** What `Engine.runSystem` handlers get: a mutation context with an action's file storage. */
export type SystemCtx = Parameters<Parameters<TestInstance["run"]>[0]>[0];

/** A cached query result, the timestamp it was read at, and what it read. */
type CachedQuery = {
  generation: number;
  /** Settles once the execution is done; `result`, `ts` and `reads` are set by then. */
  done: Promise<void>;
  result: EncodedQueryResult | null;
  ts: bigint;
  reads: ReadSet;
  /** Checked against every commit up to this timestamp: none of them touched it. */
  checkedTs: bigint;
  /** A commit at or before this timestamp (but after `ts`) touched it. */
  staleAt: bigint | null;
};

/** A commit's writes, kept so that cached results can be checked against them. */
type LoggedCommit = { ts: bigint; writes: DocumentWrite[] };

/** How many recent commits the engine keeps for checking cached results (older results re-run). */
const COMMIT_LOG_SIZE = 4_096;
/** How many query results the cache holds (least recently used go first). */
const QUERY_CACHE_SIZE = 10_000;
/** How many times a consistent read re-runs the queries commits keep changing, before giving up. */
const MAX_CONSISTENT_READ_ATTEMPTS = 10;

/** A client's mutation (sync protocol: session id and request id) while it runs. */
type ClientMutation = {
  sessionId: string;
  requestId: number;
  /** Its commit was logged, or it finished: no later commit in this async context is its own. */
  claimed: boolean;
  /** Settles the logged record's answer (set when its commit was logged). */
  settle?: (answer: MutationRequest | null) => void;
};

/**
 * The client's mutation the current code runs for. convex-test commits a mutation in the
 * async context of the call, so the commit hook finds it here. Timers armed inside (the
 * scheduler's) inherit the context too; `claimed` keeps their later commits apart.
 */
const clientMutations = new AsyncLocalStorage<ClientMutation>();

/** How long `close()` lets running scheduled functions finish before saving. */
const CLOSE_GRACE_MS = 5_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Engine {
  private readonly t: TestInstance;
  private currentApp: LoadedApp;
  private readonly modulesByComponent = new Map<string, Map<string, () => Promise<unknown>>>();
  private readonly commitListeners = new Set<(ts: bigint) => void>();
  private observedTs = 0n;
  /** The latest commit, as the commit hook reported it (it may not be durable yet). */
  private committedTs = 0n;
  private readonly queryCache = new Map<string, CachedQuery>();
  /** Bumped when code or environment changes: every cached result is then stale. */
  private queryGeneration = 0;
  private readonly commitLog: LoggedCommit[] = [];
  /** Every commit after this timestamp is in `commitLog`. */
  private commitLogFrom = 0n;
  /** How many query executions the cache has started (read by tests and benchmarks). */
  queryRuns = 0;
  private poller: NodeJS.Timeout | undefined;
  private store: DataStore | null = null;
  private crons: CronRunner | null = null;
  private stopWatching: (() => void) | null = null;
  private reloads: Promise<unknown> = Promise.resolve();
  private generation: number;
  private closed = false;
  private readonly onError: (message: string, error: unknown) => void;
  private readonly onInfo: (message: string) => void;

  private constructor(
    app: LoadedApp,
    private readonly options: EngineOptions,
  ) {
    this.onError =
      options.onError ??
      ((message, error) =>
        error === undefined ? console.error(message) : console.error(message, error));
    this.onInfo = options.onInfo ?? ((message) => console.log(message));
    const sink = options.onFunctionLog ?? printFunctionLog;
    this.currentApp = app;
    this.generation = app.generation;
    this.t = convexTest({
      schema: app.schema,
      modules: app.modules,
      transactionLimits: options.enforceLimits ?? true,
      onCommit: (commit) => this.committed(commit),
      onStoreFile: async (componentPath, storageId, blob) => {
        await this.store?.storeFile(componentPath, storageId, blob);
      },
      functionConsole: (target) => createFunctionConsole(target, sink),
    });
    for (const component of app.components) {
      this.t.registerComponent(component.name, component.schema, component.modules);
    }
    this.modulesByComponent.set("", indexModules(app.modules, "./convex"));
    for (const component of app.components) {
      this.modulesByComponent.set(component.name, indexModules(component.modules, "./component"));
    }
    const pollIntervalMs = options.pollIntervalMs ?? 0;
    if (pollIntervalMs > 0) {
      let polling = false;
      this.poller = setInterval(() => {
        // A long transaction holds convex-test's lock: never stack polls behind it.
        if (polling) return;
        polling = true;
        this.pollClock()
          .catch((error: unknown) => this.onError("Polling for commits failed", error))
          .finally(() => (polling = false));
      }, pollIntervalMs);
      this.poller.unref();
    }
  }

  /**
   * Load the app in `convexDir` into a deployment: empty and in memory, or
   * recovered from `dataDir` with its pending scheduled functions re-armed.
   */
  static async start(options: EngineOptions): Promise<Engine> {
    // Read sets are recorded by the syscall bridge: it must be in place before any query runs.
    installSyscallBridge();
    const app = await loadApp(options.convexDir);
    const engine = new Engine(app, options);
    try {
      if (options.dataDir !== undefined) await engine.recover(options.dataDir);
      const { interrupted } = await engine.t.resumeScheduledFunctions();
      for (const job of interrupted) {
        engine.onError(
          `Scheduled function ${job.name} (${job.jobId}) was running when the backend stopped; it is marked failed.`,
          undefined,
        );
      }
      engine.observedTs = await engine.snapshotTs();
      engine.committedTs = engine.observedTs;
      engine.commitLogFrom = engine.observedTs;
      await engine.startCrons();
      if (options.watch) {
        const debounceMs = typeof options.watch === "object" ? options.watch.debounceMs : undefined;
        const onChange = (files: string[]) =>
          void engine
            .reload(files)
            .catch((error: unknown) => engine.onError("Reloading the functions failed", error));
        engine.stopWatching = watchFunctions(app.convexDir, onChange, {
          onError: engine.onError,
          ...(debounceMs !== undefined ? { debounceMs } : {}),
        });
      }
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  /** The loaded app: its current generation of modules, and its components. */
  get app(): LoadedApp {
    return this.currentApp;
  }

  /** The data directory in use, or null in memory. */
  get dataDir(): string | null {
    return this.store?.dir ?? null;
  }

  /** Resolves once every commit so far is on disk (at once in memory). */
  durable(): Promise<void> {
    return this.store ? this.store.durable() : Promise.resolve();
  }

  /** Write a snapshot now and compact the log (no-op in memory). */
  async snapshot(): Promise<void> {
    await this.store?.snapshot();
  }

  /**
   * Load the functions directory again and switch to it if every module
   * loads; otherwise keep running the current functions and report why.
   * Subscribed queries re-run against the new code. Resolves to whether it switched.
   */
  reload(changedFiles: string[] = []): Promise<boolean> {
    const run = this.reloads.then(() => this.switchCode(changedFiles));
    this.reloads = run.catch(() => undefined);
    return run;
  }

  /**
   * The app's `auth.config.ts` default export, evaluated under Convex's
   * push-time rule for unset variables (authConfig.ts), or no providers when
   * it has none.
   */
  async authConfig(): Promise<AuthConfig> {
    const file = ["ts", "js"]
      .map((extension) => path.join(this.currentApp.convexDir, `auth.config.${extension}`))
      .find((candidate) => existsSync(candidate));
    return file ? await evaluateAuthConfig(file) : { providers: [] };
  }

  /** The database clock: the timestamp of the latest commit, in nanoseconds. */
  async snapshotTs(): Promise<bigint> {
    return await this.t.query(async (ctx) => Promise.resolve(ctx.meta.getSnapshotTs()));
  }

  /** The latest commit timestamp the engine has seen (and told its listeners about). */
  get latestObservedTs(): bigint {
    return this.observedTs;
  }

  /** Call `listener` with the new timestamp after every commit. Returns an unsubscribe function. */
  onCommit(listener: (ts: bigint) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /**
   * Read the clock, wait until everything up to it is durable, and tell
   * listeners if something committed since the last look. What a client is
   * shown is read at this timestamp, so it never shows a commit a crash could lose.
   * The clock is the commit hook's: reading it takes no transaction.
   */
  async checkCommits(): Promise<bigint> {
    const ts = this.committedTs;
    await this.durable();
    this.announce(ts);
    return ts;
  }

  /**
   * The safety net behind the commit hook: read the clock in a transaction.
   * A commit the hook missed would leave cached results unchecked against
   * its writes, so they are all dropped.
   */
  private async pollClock(): Promise<void> {
    const ts = await this.snapshotTs();
    if (ts > this.committedTs) {
      this.committedTs = ts;
      this.invalidateQueries();
    }
    await this.checkCommits();
  }

  /**
   * Forget every cached query result (the environment variables changed: a
   * query may read them). Subscribed queries re-run at their next flush.
   */
  invalidateQueries(): void {
    this.queryGeneration += 1;
    this.queryCache.clear();
  }

  /** The logged answer to a client's mutation, if it committed (also before a restart). */
  recordedMutation(sessionId: string, requestId: number): RecordedMutation | undefined {
    return this.store?.recordedMutation(sessionId, requestId);
  }

  /**
   * Run a function by path as `caller`. `kind` is what the client asked for;
   * `"any"` (the HTTP `/api/function` endpoint) accepts whatever the path names.
   * `request` names a sync client's mutation: its answer is logged with its
   * commit, for `recordedMutation` to answer a resend.
   */
  async run(
    kind: FunctionKind | "any",
    call: FunctionCall,
    caller: Caller,
    request?: { sessionId: string; requestId: number },
  ): Promise<{ kind: FunctionKind | null; outcome: FunctionOutcome }> {
    if (request && this.store) {
      const mutation: ClientMutation = { ...request, claimed: false };
      return await clientMutations.run(mutation, () =>
        this.runResolved(kind, call, caller, mutation),
      );
    }
    return await this.runResolved(kind, call, caller);
  }

  private async runResolved(
    kind: FunctionKind | "any",
    call: FunctionCall,
    caller: Caller,
    mutation?: ClientMutation,
  ): Promise<{ kind: FunctionKind | null; outcome: FunctionOutcome }> {
    let answer: MutationRequest | null = null;
    /** Before waiting for durability: the mutation's log record waits for its answer. */
    const settle = () => {
      if (!mutation) return;
      mutation.claimed = true;
      mutation.settle?.(answer);
    };
    let resolved: Awaited<ReturnType<Engine["resolve"]>>;
    try {
      resolved = await this.resolve(kind, call, caller);
    } catch (error) {
      settle();
      throw error;
    }
    if (!resolved.ok) {
      settle();
      return { kind: null, outcome: resolved.failure };
    }
    const { kind: actual, reference } = resolved;
    const accessor = caller.identity ? this.t.withIdentity(caller.identity) : this.t;
    try {
      let value: Value;
      switch (actual) {
        case "query":
          value = (await accessor.query(
            reference as FunctionReference<"query">,
            call.args,
          )) as Value;
          break;
        case "mutation":
          value = (await accessor.mutation(
            reference as FunctionReference<"mutation">,
            call.args,
          )) as Value;
          if (mutation) {
            const { sessionId, requestId } = mutation;
            answer = { sessionId, requestId, result: convexToJson(value) };
          }
          break;
        case "action":
          value = (await accessor.action(
            reference as FunctionReference<"action">,
            call.args,
          )) as Value;
          break;
      }
      return { kind: actual, outcome: { success: true, value } };
    } catch (error) {
      // Clients get the message only (errors.ts); the developer gets where it came from.
      if (error instanceof Error && !isConvexError(error)) {
        const frames = appFrames(error);
        this.onError(
          `[${call.udfPath}] Uncaught ${error.name}: ${error.message}${frames ? `\n${frames}` : ""}`,
          undefined,
        );
      }
      return { kind: actual, outcome: describeFailure(error) };
    } finally {
      settle();
      // A mutation commits; an action may have committed through runMutation, even if it failed.
      if (actual !== "query") await this.checkCommits();
    }
  }

  /**
   * The results of `calls`, all as of one timestamp `ts`: at or after every
   * commit announced so far (and `notBefore`), and durable. A cached result is reused when no
   * commit since it was read wrote anything it read; the others run (once
   * for every caller asking for the same function, args and identity). When
   * commits land while they run, only the results those commits touched run
   * again, up to a bound after which results may span several commits.
   */
  async queryConsistent(
    calls: { call: FunctionCall; caller: Caller }[],
    notBefore = 0n,
  ): Promise<{ ts: bigint; results: EncodedQueryResult[]; consistent: boolean }> {
    let ts = notBefore > this.observedTs ? notBefore : this.observedTs;
    let entries: CachedQuery[] = [];
    let consistent = true;
    for (let attempt = 1; ; attempt++) {
      entries = await Promise.all(
        calls.map(({ call, caller }) => this.cachedQuery(call, caller, ts)),
      );
      let latest = ts;
      for (const entry of entries) if (entry.ts > latest) latest = entry.ts;
      ts = latest;
      if (entries.every((entry) => this.validAt(entry, ts))) break;
      if (attempt >= MAX_CONSISTENT_READ_ATTEMPTS) {
        consistent = false;
        break;
      }
    }
    // A result may have read a commit that is not on disk yet.
    await this.durable();
    return { ts, results: entries.map((entry) => entry.result!), consistent };
  }

  /**
   * convex-test's `t.run`: a transaction with the database and file storage,
   * for the server's own work (file uploads and downloads), never for clients.
   */
  async runSystem<Output>(handler: (ctx: SystemCtx) => Promise<Output>): Promise<Output> {
    try {
      return await this.t.run(handler);
    } finally {
      await this.checkCommits();
    }
  }

  /** convex-test's `t.fetch`: an HTTP action routed by the app's `http.ts`, run as `caller`. */
  async fetchHttpAction(
    pathAndQuery: string,
    init: RequestInit,
    caller: Caller,
  ): Promise<Response> {
    const accessor = caller.identity ? this.t.withIdentity(caller.identity) : this.t;
    try {
      return await accessor.fetch(pathAndQuery, init);
    } finally {
      // Its runMutation calls committed (a response still streaming may commit more: the poller sees those).
      await this.checkCommits();
    }
  }

  /**
   * Stop timers, crons and the watcher, let running scheduled functions
   * finish (briefly), then save: pending scheduled functions stay pending and
   * run after the next start. In memory, the data is dropped with the engine.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.stopWatching?.();
    this.crons?.stop();
    this.t.stopScheduledFunctions();
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      this.t.finishInProgressScheduledFunctions().catch(() => undefined),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, CLOSE_GRACE_MS);
        grace.unref();
      }),
    ]);
    clearTimeout(grace);
    this.commitListeners.clear();
    await this.store?.close();
  }

  /** Open the data directory and load what it holds into convex-test. */
  private async recover(dataDir: string): Promise<void> {
    const componentPaths = ["", ...this.currentApp.components.map((component) => component.name)];
    const { store, recovery } = await DataStore.open(dataDir, componentPaths, {
      ...(this.options.snapshotBytes !== undefined
        ? { snapshotBytes: this.options.snapshotBytes }
        : {}),
      onError: this.onError,
    });
    // Held from here on, so that close() unlocks the directory even if loading fails.
    this.store = store;
    this.t.importState(recovery.state);
    store.setStateSource(() => this.t.exportState());
    if (recovery.droppedBytes > 0) {
      this.onInfo(
        `[local-backend] Dropped an unfinished commit record (${recovery.droppedBytes} bytes) at the end of the log: it was never acknowledged.`,
      );
    }
    if (recovery.unknownComponents.length > 0) {
      this.onError(
        `${dataDir} holds data of components the app no longer installs (${recovery.unknownComponents.join(", ")}); it is not loaded, and the next snapshot drops it.`,
        undefined,
      );
    }
    // Start from a compact directory: replaying the log once is enough.
    if (recovery.replayed > 0) await store.snapshot();
  }

  /** convex-test's commit hook: synchronous, inside the commit. */
  private committed(commit: CommitEvent): void {
    if (commit.ts > this.committedTs) this.committedTs = commit.ts;
    if (commit.writes.length > 0) {
      const mutation = clientMutations.getStore();
      if (mutation && !mutation.claimed) {
        mutation.claimed = true;
        this.store?.append(
          commit,
          new Promise<MutationRequest | null>((resolve) => (mutation.settle = resolve)),
        );
      } else {
        this.store?.append(commit);
      }
      this.commitLog.push({
        ts: commit.ts,
        writes: commit.writes.map(({ id, value }) => ({
          id,
          value: value as Record<string, unknown> | null,
        })),
      });
      if (this.commitLog.length > COMMIT_LOG_SIZE) {
        this.commitLogFrom = this.commitLog.shift()!.ts;
      }
    }
    // Tell listeners once it is on disk; a failed log was reported by the store.
    this.durable().then(
      () => this.announce(commit.ts),
      () => undefined,
    );
  }

  private announce(ts: bigint): void {
    if (ts <= this.observedTs) return;
    this.observedTs = ts;
    for (const listener of this.commitListeners) listener(ts);
  }

  private async switchCode(changedFiles: string[]): Promise<boolean> {
    if (this.closed) return false;
    const started = performance.now();
    const generation = ++this.generation;
    const what = changedFiles.length > 0 ? changedFiles.join(", ") : this.currentApp.convexDir;
    const failed = (error: unknown) => {
      this.onError(
        `Reloading after a change to ${what} failed, so the previous functions keep running.\n${errorText(error)}`,
        undefined,
      );
      return false;
    };
    let code;
    try {
      code = await loadAppCode(this.currentApp.convexDir, generation);
    } catch (error) {
      return failed(error);
    }
    if (this.closed) return false;
    try {
      this.t.setModules("", code.modules, code.schema);
    } catch (error) {
      // convex-test refused the new schema (e.g. a bad table name): back to the last good one.
      this.t.setModules("", this.currentApp.modules, this.currentApp.schema);
      return failed(error);
    }
    this.modulesByComponent.set("", indexModules(code.modules, "./convex"));
    this.currentApp = { ...this.currentApp, ...code };
    await this.startCrons();
    // A push is a commit on Convex too: subscriptions move to a new timestamp and re-run on the new code.
    this.invalidateQueries();
    await this.t.mutation(async () => {});
    await this.checkCommits();
    this.onInfo(
      `[local-backend] Reloaded functions after a change to ${what} (${Math.round(performance.now() - started)} ms).`,
    );
    return true;
  }

  /** (Re)start the jobs of `crons.ts`, if the app has one. */
  private async startCrons(): Promise<void> {
    this.crons?.stop();
    this.crons = null;
    const load = this.modulesByComponent.get("")?.get("crons");
    if (!load || this.closed) return;
    let jobs: CronJob[];
    try {
      jobs = readCronJobs(await load());
    } catch (error) {
      this.onError(`crons.ts: ${errorText(error)} No cron job runs.`, undefined);
      return;
    }
    this.crons = new CronRunner(jobs, (job) => this.runCron(job), this.onError);
  }

  private async runCron(job: CronJob): Promise<void> {
    const { kind, outcome } = await this.run(
      "any",
      { udfPath: job.udfPath, args: job.args },
      SYSTEM,
    );
    if (kind === "query") {
      this.onError(
        `Cron job "${job.name}": ${job.udfPath} is a query; crons run mutations and actions.`,
        undefined,
      );
    } else if (!outcome.success) {
      this.onError(
        `Cron job "${job.name}" (${job.udfPath}) failed:\n${outcome.errorMessage}`,
        undefined,
      );
    }
  }

  /**
   * A cached result of (call, caller) valid at `ts`, one already running (the
   * caller checks it once done), or a new execution.
   */
  private async cachedQuery(call: FunctionCall, caller: Caller, ts: bigint): Promise<CachedQuery> {
    const key = [
      call.componentPath ?? "",
      call.udfPath,
      stableStringify(convexToJson(call.args)),
      callerKey(caller),
    ].join("\u0000");
    let entry = this.queryCache.get(key);
    if (entry) this.queryCache.delete(key); // re-inserted below: most recently used last
    const usable =
      entry !== undefined &&
      entry.generation === this.queryGeneration &&
      (entry.result === null || this.validAt(entry, ts));
    if (!usable) {
      const reads = new ReadSet();
      this.queryRuns += 1;
      const fresh: CachedQuery = {
        generation: this.queryGeneration,
        done: Promise.resolve(),
        result: null,
        ts: 0n,
        reads,
        checkedTs: 0n,
        staleAt: null,
      };
      fresh.done = collectReads(reads, () => this.encodedQuery(call, caller)).then((result) => {
        fresh.result = result;
        // A query that read nothing is valid at any time; otherwise, at its snapshot.
        fresh.ts = reads.ts ?? this.committedTs;
        fresh.checkedTs = fresh.ts;
      });
      entry = fresh;
    }
    this.queryCache.set(key, entry!);
    if (this.queryCache.size > QUERY_CACHE_SIZE) {
      const oldest = this.queryCache.keys().next().value;
      if (oldest !== undefined) this.queryCache.delete(oldest);
    }
    await entry!.done;
    return entry!;
  }

  /** Whether no commit after the entry's read, up to `ts`, wrote anything it read. */
  private validAt(entry: CachedQuery, ts: bigint): boolean {
    if (entry.result === null) return false;
    if (entry.staleAt !== null && entry.staleAt <= ts) return false;
    if (ts <= entry.checkedTs || entry.reads.empty) return true;
    if (entry.checkedTs < this.commitLogFrom) return false; // its commits are no longer kept
    // The first commit after `checkedTs` (the log is in commit order).
    let low = 0;
    let high = this.commitLog.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.commitLog[middle]!.ts <= entry.checkedTs) low = middle + 1;
      else high = middle;
    }
    for (let index = low; index < this.commitLog.length; index++) {
      const commit = this.commitLog[index]!;
      if (commit.ts > ts) break;
      if (commit.writes.some((write) => entry.reads.touchedBy(write))) {
        entry.staleAt = commit.ts;
        return false;
      }
    }
    entry.checkedTs = ts;
    return true;
  }

  private async encodedQuery(call: FunctionCall, caller: Caller): Promise<EncodedQueryResult> {
    const { outcome } = await this.run("query", call, caller);
    if (!outcome.success) return { ...outcome, fingerprint: failureFingerprint(outcome) };
    let value: JSONValue;
    try {
      value = convexToJson(outcome.value);
    } catch (error) {
      const failure = describeFailure(error);
      return { ...failure, fingerprint: failureFingerprint(failure) };
    }
    const json = JSON.stringify(value);
    return { success: true, value, json, fingerprint: `ok:${json}` };
  }

  private async resolve(
    kind: FunctionKind | "any",
    call: FunctionCall,
    caller: Caller,
  ): Promise<
    | { ok: true; kind: FunctionKind; reference: FunctionReference<FunctionKind> | string }
    | { ok: false; failure: FunctionFailure }
  > {
    const { modulePath, exportName } = canonicalUdfPath(call.udfPath);
    const udfPath = `${modulePath}:${exportName}`;
    const componentPath = call.componentPath ?? "";
    const notFound = () => ({
      ok: false as const,
      failure: plainFailure(
        `Could not find public function for '${udfPath}'${componentPath ? ` in component '${componentPath}'` : ""}. ` +
          "Is it exported from that module? (Without hot reload, restart the local backend after adding one.)",
      ),
    });
    if (componentPath && !caller.admin) {
      // Convex only lets admins call into a component directly; apps reach components through their own functions.
      return {
        ok: false,
        failure: plainFailure(`Only an admin may call functions of component '${componentPath}'.`),
      };
    }
    const load = this.modulesByComponent.get(componentPath)?.get(modulePath);
    if (!load) return notFound();
    let module: Record<string, unknown>;
    try {
      module = (await load()) as Record<string, unknown>;
    } catch (error) {
      return { ok: false, failure: describeFailure(error) };
    }
    const fn = module[exportName];
    if (!isRegisteredFunction(fn) || fn.isHttp) return notFound();
    // Internal functions are invisible to clients: same answer as a missing one.
    if (!fn.isPublic && !caller.admin) return notFound();
    const actual: FunctionKind = fn.isQuery ? "query" : fn.isMutation ? "mutation" : "action";
    if (kind !== "any" && kind !== actual) {
      return {
        ok: false,
        failure: plainFailure(
          `Trying to execute ${udfPath} as ${KIND_NAME[kind]}, but it is defined as ${KIND_NAME[actual]}.`,
        ),
      };
    }
    const reference = componentPath
      ? `function://${componentPath};${udfPath}`
      : makeFunctionReference<FunctionKind>(udfPath);
    return { ok: true, kind: actual, reference };
  }
}
