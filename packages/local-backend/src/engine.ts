/**
 * The function engine: the official `convex-test` mock backend, holding one
 * in-memory database, wrapped with what a deployment adds on top of it:
 *
 * - resolving a client's `udfPath` the way Convex does, refusing internal
 *   functions and component functions to anyone but an admin, and checking
 *   the function is the kind the client asked for;
 * - one database clock: convex-test timestamps every commit, and
 *   `ctx.meta.getSnapshotTs()` (a public Convex API it implements) reads it, so
 *   the engine learns about *every* commit (a client's mutation, an action's
 *   `runMutation`, a scheduled function) without reaching into its internals;
 * - a per-commit memo of query results, so N subscribers to the same
 *   (function, args, identity) cost one execution per commit.
 */
import { convexTest } from "convex-test";
import {
  makeFunctionReference,
  type AuthConfig,
  type FunctionReference,
  type UserIdentity,
} from "convex/server";
import { convexToJson, type JSONValue, type Value } from "convex/values";

import { describeFailure, plainFailure, type FunctionFailure } from "./errors.js";
import { loadApp, type LoadedApp, type ModuleMap } from "./modules.js";

export type FunctionKind = "query" | "mutation" | "action";

/** Who is calling: what `ctx.auth.getUserIdentity()` returns, and whether they hold the admin key. */
export type Caller = { identity: UserIdentity | null; admin: boolean };

export const ANONYMOUS: Caller = { identity: null, admin: false };

export type FunctionCall = {
  udfPath: string;
  /** A component's path (`rateLimiter`); empty or absent for the app itself. */
  componentPath?: string | undefined;
  args: Record<string, Value>;
};

export type FunctionOutcome = { success: true; value: Value } | FunctionFailure;

/** A query result as it goes on the wire, with a fingerprint to tell whether it changed. */
export type EncodedQueryResult =
  | { success: true; value: JSONValue; fingerprint: string }
  | (FunctionFailure & { fingerprint: string });

export type EngineOptions = {
  /** The Convex functions directory (`packages/backend/convex`). */
  convexDir: string;
  /** Enforce Convex's per-transaction read/write limits (convex-test's `transactionLimits`). Default true. */
  enforceLimits?: boolean;
  /**
   * How often to look for commits made outside a client request (an action's
   * `runMutation` while it is still running, scheduled functions), in ms.
   * 0 disables polling. Default 100.
   */
  pollIntervalMs?: number;
  /** Where the engine reports problems it cannot hand to a client. Default: console.error. */
  onError?: (message: string, error: unknown) => void;
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

export class Engine {
  private readonly modulesByComponent = new Map<string, Map<string, () => Promise<unknown>>>();
  private readonly commitListeners = new Set<(ts: bigint) => void>();
  private observedTs = 0n;
  private memo: { ts: bigint; results: Map<string, Promise<EncodedQueryResult>> } = {
    ts: -1n,
    results: new Map(),
  };
  private readonly poller: NodeJS.Timeout | undefined;
  private readonly onError: (message: string, error: unknown) => void;

  private constructor(
    private readonly t: TestInstance,
    readonly app: LoadedApp,
    options: EngineOptions,
  ) {
    this.onError = options.onError ?? ((message, error) => console.error(message, error));
    this.modulesByComponent.set("", indexModules(app.modules, "./convex"));
    for (const component of app.components) {
      this.modulesByComponent.set(component.name, indexModules(component.modules, "./component"));
    }
    const pollIntervalMs = options.pollIntervalMs ?? 100;
    if (pollIntervalMs > 0) {
      let polling = false;
      this.poller = setInterval(() => {
        // A long transaction holds convex-test's lock: never stack polls behind it.
        if (polling) return;
        polling = true;
        this.checkCommits()
          .catch((error: unknown) => this.onError("Polling for commits failed", error))
          .finally(() => (polling = false));
      }, pollIntervalMs);
      this.poller.unref();
    }
  }

  /** Load the app in `convexDir` into a fresh, empty in-memory deployment. */
  static async start(options: EngineOptions): Promise<Engine> {
    const app = await loadApp(options.convexDir);
    const t = convexTest({
      schema: app.schema,
      modules: app.modules,
      transactionLimits: options.enforceLimits ?? true,
    });
    for (const component of app.components) {
      t.registerComponent(component.name, component.schema, component.modules);
    }
    const engine = new Engine(t, app, options);
    engine.observedTs = await engine.snapshotTs();
    return engine;
  }

  /** The app's `auth.config.ts` default export, or no providers when it has none. */
  async authConfig(): Promise<AuthConfig> {
    const load = this.modulesByComponent.get("")?.get("auth.config");
    if (!load) return { providers: [] };
    const module = (await load()) as { default?: AuthConfig };
    return module.default ?? { providers: [] };
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

  /** Read the clock and tell listeners if something committed since the last look. */
  async checkCommits(): Promise<bigint> {
    const ts = await this.snapshotTs();
    if (ts > this.observedTs) {
      this.observedTs = ts;
      for (const listener of this.commitListeners) listener(ts);
    }
    return ts;
  }

  /**
   * Run a function by path as `caller`. `kind` is what the client asked for;
   * `"any"` (the HTTP `/api/function` endpoint) accepts whatever the path names.
   */
  async run(
    kind: FunctionKind | "any",
    call: FunctionCall,
    caller: Caller,
  ): Promise<{ kind: FunctionKind | null; outcome: FunctionOutcome }> {
    const resolved = await this.resolve(kind, call, caller);
    if (!resolved.ok) return { kind: null, outcome: resolved.failure };
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
      return { kind: actual, outcome: describeFailure(error) };
    } finally {
      // A mutation commits; an action may have committed through runMutation, even if it failed.
      if (actual !== "query") await this.checkCommits();
    }
  }

  /**
   * A query's result as of commit `ts`, shared by every caller asking for the
   * same (function, args, identity) at the same `ts`. A caller still on an
   * older `ts` runs uncached; it will see the clock moved and retry anyway.
   */
  queryAt(ts: bigint, call: FunctionCall, caller: Caller): Promise<EncodedQueryResult> {
    if (ts > this.memo.ts) this.memo = { ts, results: new Map() };
    if (ts < this.memo.ts) return this.encodedQuery(call, caller);
    const key = [
      call.componentPath ?? "",
      call.udfPath,
      stableStringify(convexToJson(call.args)),
      callerKey(caller),
    ].join("\u0000");
    let result = this.memo.results.get(key);
    if (!result) {
      result = this.encodedQuery(call, caller);
      this.memo.results.set(key, result);
    }
    return result;
  }

  /** Stop background work. The in-memory data is dropped with the engine. */
  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.commitListeners.clear();
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
    return { success: true, value, fingerprint: `ok:${JSON.stringify(value)}` };
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
          "Is it exported from that module? (The local backend loads modules when it starts: restart it after adding one.)",
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
