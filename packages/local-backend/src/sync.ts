/**
 * One WebSocket client of the sync protocol (`/api/<version>/sync`).
 *
 * A session mirrors what the client's `LocalSyncState` and `RemoteQuerySet`
 * expect from a Convex deployment:
 * - client messages are handled one at a time, in arrival order, so an
 *   `Authenticate` applies to every message after it and mutations run in the
 *   order they were sent (actions run concurrently, as on Convex);
 * - every `Transition` starts at the version the previous one ended at
 *   (query-set version, identity version, database timestamp), and all the
 *   results it carries are valid at its end timestamp: the engine re-runs
 *   only the queries that a commit since their last run can have changed
 *   (their read sets, see readSet.ts), until none did;
 * - a `MutationResponse` carries the commit timestamp, and a Transition
 *   reaching it follows, which is what resolves the mutation on the client;
 * - a token is confirmed by bumping the identity version in a Transition, and
 *   refused with an `AuthError` after which the connection closes.
 */
import { AsyncResource } from "node:async_hooks";

import type { RawData, WebSocket } from "ws";

import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";

import type { Authenticator } from "./auth.js";
import { AuthenticationError } from "./auth.js";
import type { DeploymentEnv } from "./deploymentEnv.js";
import type {
  Caller,
  Engine,
  EncodedQueryResult,
  FunctionCall,
  FunctionOutcome,
} from "./engine.js";
import { ANONYMOUS, failureFingerprint } from "./engine.js";
import { describeFailure } from "./errors.js";
import { applyJournal, nextJournal } from "./pagination.js";
import {
  decodeTs,
  encodeTs,
  parseClientMessage,
  ProtocolError,
  type Authenticate,
  type ClientMessage,
  type FunctionRequest,
  type QueryId,
  type QueryJournal,
  type ServerMessage,
  type StateModification,
} from "./protocol.js";

/** How often an idle connection hears from the server (the client gives up after 60 s of silence). */
const PING_INTERVAL_MS = 15_000;

/** A received WebSocket frame as text (ws hands over a Buffer, an ArrayBuffer or fragments). */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data).toString("utf8");
}

/** WebSocket close reasons are limited to 123 bytes (of UTF-8). */
function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason;
  while (Buffer.byteLength(`${cut}…`) > 123) cut = cut.slice(0, -1);
  return `${cut}…`;
}

type MutationResponse = Extract<ServerMessage, { type: "MutationResponse" }>;

/**
 * Mutation results by (session, request id), in memory. A client whose
 * connection drops resends its unconfirmed mutations on the next one, under
 * the same session id and request ids; answering from here keeps each
 * mutation exactly-once, also while the first copy still runs. Only committed
 * mutations are remembered: a failed one wrote nothing, so a resend runs it
 * again, as on Convex. Across a restart, the answers logged with the commits
 * take over (`Engine.recordedMutation`, sessionRequests.ts).
 */
export class MutationLog {
  private readonly sessions = new Map<string, Map<number, Promise<MutationResponse>>>();

  constructor(
    private readonly maxSessions = 1000,
    private readonly maxPerSession = 200,
  ) {}

  run(
    sessionId: string | null,
    requestId: number,
    execute: () => Promise<MutationResponse>,
  ): Promise<MutationResponse> {
    if (sessionId === null) return execute();
    let requests = this.sessions.get(sessionId);
    if (requests) {
      this.sessions.delete(sessionId); // re-insert below: most recently used last
    } else {
      requests = new Map();
    }
    this.sessions.set(sessionId, requests);
    if (this.sessions.size > this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const existing = requests.get(requestId);
    if (existing) return existing;
    const response = execute();
    requests.set(requestId, response);
    void response.then(
      (settled) => {
        if (!settled.success) requests.delete(requestId);
      },
      () => requests.delete(requestId),
    );
    if (requests.size > this.maxPerSession) {
      const oldest = requests.keys().next().value;
      if (oldest !== undefined) requests.delete(oldest);
    }
    return response;
  }
}

export type SessionServices = {
  engine: Engine;
  authenticator: Authenticator;
  mutations: MutationLog;
  /** Answers the CLI's `_system/cli/queryEnvironmentVariables` queries (`npx convex env list`). */
  environment: DeploymentEnv;
  /** Problems worth a developer's attention (not client errors). */
  log: (message: string, error?: unknown) => void;
};

type SubscribedQuery = {
  call: FunctionCall;
  /** Pins a paginated query's page to the bounds of its first run (see pagination.ts). */
  journal: QueryJournal;
  /** Set when the client's arguments could not be decoded: reported as the query's result. */
  invalid?: EncodedQueryResult;
  /**
   * The result last sent (the engine's shared object: usually the same one
   * again when nothing changed, found without comparing text) and its
   * fingerprint, to send only what changed.
   */
  sent?: EncodedQueryResult;
  sentFingerprint?: string;
};

type Version = { querySet: number; identity: number; ts: bigint };

/** Decode a request's `args: [object]` into the function's arguments object. */
function decodeArgs(args: JSONValue[]): Record<string, Value> {
  if (args.length !== 1) {
    throw new Error(`Expected exactly one arguments object, received ${args.length}.`);
  }
  const value = jsonToConvex(args[0]!);
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    value instanceof ArrayBuffer
  ) {
    throw new Error("The arguments to a Convex function must be an object.");
  }
  return value as Record<string, Value>;
}

/**
 * A `QueryUpdated` or `QueryFailed` modification as JSON text. A success's
 * value goes in as the JSON the engine made once for every subscriber of the
 * result, rather than being serialized again for each of them.
 */
function modificationText(
  queryId: QueryId,
  result: EncodedQueryResult,
  journal: QueryJournal,
): string {
  if (!result.success) {
    const failed: StateModification = {
      type: "QueryFailed",
      queryId,
      errorMessage: result.errorMessage,
      ...(result.errorData !== undefined ? { errorData: result.errorData } : {}),
      logLines: [],
      journal,
    };
    return JSON.stringify(failed);
  }
  const head = JSON.stringify({ type: "QueryUpdated", queryId, logLines: [], journal });
  return `${head.slice(0, -1)},"value":${result.json}}`;
}

export class SyncSession {
  private sessionId: string | null = null;
  private clientClockSkew: number | undefined;
  private querySetVersion = 0;
  private identityVersion = 0;
  private caller: Caller = ANONYMOUS;
  private expiresAt: number | null = null;
  private readonly queries = new Map<QueryId, SubscribedQuery>();
  private readonly removed = new Set<QueryId>();
  private sent: Version = { querySet: 0, identity: 0, ts: 0n };
  /** The next Transition must reach this timestamp (a mutation from this client committed at it). */
  private mustReachTs = 0n;
  private queue: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private closed = false;
  private readonly pinger: NodeJS.Timeout;
  /**
   * Runs work in the async context the session was created in, which is the
   * deployment's (see syscalls.ts): ws emits socket events outside it, and a
   * flush may be scheduled from anywhere.
   */
  private readonly inSessionContext = AsyncResource.bind(<T>(work: () => T): T => work());

  constructor(
    private readonly socket: WebSocket,
    private readonly services: SessionServices,
  ) {
    socket.on("message", (data, isBinary) =>
      this.inSessionContext(() => {
        if (isBinary) {
          this.fatal("The sync protocol uses text frames only.");
          return;
        }
        this.receive(frameText(data));
      }),
    );
    socket.on("close", () => this.stop());
    socket.on("error", (error) => {
      this.services.log("WebSocket error", error);
      this.stop();
    });
    this.pinger = setInterval(() => this.send({ type: "Ping" }), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** Something committed: bring this client's subscriptions up to date. */
  scheduleFlush(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = true;
    this.enqueue(async () => {
      this.flushQueued = false;
      await this.flush();
    });
  }

  /** Close the connection (server shutdown). */
  close(code = 1001, reason = "Server shutting down"): void {
    this.stop();
    this.socket.close(code, closeReason(reason));
  }

  private receive(text: string): void {
    let message: ClientMessage;
    try {
      message = parseClientMessage(text);
    } catch (error) {
      this.fatal(error instanceof Error ? error.message : String(error));
      return;
    }
    // Actions run beside the queue, but take the identity in force when they arrive in it.
    this.enqueue(() => this.handle(message));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(() => this.inSessionContext(() => this.runTask(task)));
  }

  private async runTask(task: () => Promise<void>): Promise<void> {
    if (this.closed) return;
    try {
      await task();
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.fatal(error.message);
      } else {
        this.services.log("Sync session failed", error);
        // The client treats this reason as transient and reconnects with a short backoff.
        this.close(1011, "InternalServerError");
      }
    }
  }

  private async handle(message: ClientMessage): Promise<void> {
    switch (message.type) {
      case "Connect":
        this.sessionId = message.sessionId;
        if (message.clientTs !== undefined) this.clientClockSkew = Date.now() - message.clientTs;
        return;
      case "ModifyQuerySet":
        this.modifyQuerySet(message);
        this.scheduleFlush();
        return;
      case "Authenticate":
        await this.authenticate(message);
        return;
      case "Mutation":
        await this.mutation(message);
        return;
      case "Action":
        this.action(message);
        return;
      case "Event":
        // Client telemetry (connection metrics); Convex records it, the local backend has no use for it.
        return;
    }
  }

  private modifyQuerySet(message: Extract<ClientMessage, { type: "ModifyQuerySet" }>): void {
    if (message.baseVersion !== this.querySetVersion) {
      throw new ProtocolError(
        `Base version ${message.baseVersion} passed up doesn't match the current query set version ${this.querySetVersion}.`,
      );
    }
    for (const modification of message.modifications) {
      if (modification.type === "Remove") {
        if (!this.queries.delete(modification.queryId)) {
          throw new ProtocolError(
            `Removing query ${modification.queryId}, which is not in the query set.`,
          );
        }
        this.removed.add(modification.queryId);
        continue;
      }
      if (this.queries.has(modification.queryId)) {
        throw new ProtocolError(`Query ${modification.queryId} is already in the query set.`);
      }
      const call: FunctionCall = {
        udfPath: modification.udfPath,
        componentPath: modification.componentPath,
        args: {},
      };
      // A re-subscription (after a reconnect) brings the journal of its earlier results.
      const journal = modification.journal ?? null;
      try {
        call.args = decodeArgs(modification.args);
        this.queries.set(modification.queryId, { call, journal });
      } catch (error) {
        const failure = describeFailure(error);
        this.queries.set(modification.queryId, {
          call,
          journal,
          invalid: { ...failure, fingerprint: failureFingerprint(failure) },
        });
      }
    }
    this.querySetVersion = message.newVersion;
  }

  private async authenticate(message: Authenticate): Promise<void> {
    if (message.baseVersion !== this.identityVersion) {
      throw new ProtocolError(
        `Base identity version ${message.baseVersion} passed up doesn't match the current identity version ${this.identityVersion}.`,
      );
    }
    try {
      switch (message.tokenType) {
        case "None":
          this.caller = ANONYMOUS;
          this.expiresAt = null;
          break;
        case "User": {
          const verified = await this.services.authenticator.verifyToken(message.value);
          this.caller = verified.caller;
          this.expiresAt = verified.expiresAt;
          break;
        }
        case "Admin":
          this.caller = this.services.authenticator.verifyAdmin(
            message.value,
            message.impersonating,
          );
          this.expiresAt = null;
          break;
      }
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      // As Convex: report against the version the client tried to move from, then hang up.
      this.send({
        type: "AuthError",
        error: error.message,
        baseVersion: this.identityVersion,
        authUpdateAttempted: true,
      });
      this.close(1000, "AuthError");
      return;
    }
    this.identityVersion = message.baseVersion + 1;
    this.scheduleFlush();
  }

  /** The caller for a new function call, or null after telling the client its token expired. */
  private currentCaller(): Caller | null {
    if (this.expiresAt !== null && Date.now() >= this.expiresAt) {
      this.send({
        type: "AuthError",
        error: "Token expired: its exp claim is in the past.",
        baseVersion: this.identityVersion,
        authUpdateAttempted: false,
      });
      this.close(1000, "AuthError");
      return null;
    }
    return this.caller;
  }

  private async mutation(message: FunctionRequest<"Mutation">): Promise<void> {
    const caller = this.currentCaller();
    if (!caller) return;
    const { engine } = this.services;
    const response = await this.services.mutations.run(
      this.sessionId,
      message.requestId,
      async () => {
        const sessionId = this.sessionId;
        const request = sessionId === null ? null : { sessionId, requestId: message.requestId };
        // A resend of a mutation that committed before a restart: answer it, do not run it again.
        const recorded = request && engine.recordedMutation(request.sessionId, request.requestId);
        if (recorded) {
          return {
            type: "MutationResponse",
            requestId: message.requestId,
            success: true,
            result: recorded.result,
            ts: encodeTs(recorded.ts),
            logLines: [],
          };
        }
        let outcome: FunctionOutcome;
        try {
          const call: FunctionCall = {
            udfPath: message.udfPath,
            componentPath: message.componentPath,
            args: decodeArgs(message.args),
          };
          outcome = (await engine.run("mutation", call, caller, request ?? undefined)).outcome;
        } catch (error) {
          outcome = describeFailure(error);
        }
        if (!outcome.success) {
          return {
            type: "MutationResponse",
            requestId: message.requestId,
            success: false,
            result: outcome.errorMessage,
            ...(outcome.errorData !== undefined ? { errorData: outcome.errorData } : {}),
            logLines: [],
          };
        }
        return {
          type: "MutationResponse",
          requestId: message.requestId,
          success: true,
          result: convexToJson(outcome.value),
          // The engine has read the clock after the commit, so this is at or after it.
          ts: encodeTs(engine.latestObservedTs),
          logLines: [],
        };
      },
    );
    this.send(response);
    if (response.success) {
      const ts = decodeTs(response.ts);
      if (ts > this.mustReachTs) this.mustReachTs = ts;
      this.scheduleFlush();
    }
  }

  private action(message: FunctionRequest<"Action">): void {
    const caller = this.currentCaller();
    if (!caller) return;
    const run = async (): Promise<FunctionOutcome> => {
      const call: FunctionCall = {
        udfPath: message.udfPath,
        componentPath: message.componentPath,
        args: decodeArgs(message.args),
      };
      return (await this.services.engine.run("action", call, caller)).outcome;
    };
    void run()
      .catch((error: unknown) => describeFailure(error))
      .then((outcome) => {
        this.send(
          outcome.success
            ? {
                type: "ActionResponse",
                requestId: message.requestId,
                success: true,
                result: convexToJson(outcome.value),
                logLines: [],
              }
            : {
                type: "ActionResponse",
                requestId: message.requestId,
                success: false,
                result: outcome.errorMessage,
                ...(outcome.errorData !== undefined ? { errorData: outcome.errorData } : {}),
                logLines: [],
              },
        );
      });
  }

  /**
   * Re-run the subscribed queries at the latest commit and send a Transition
   * with what changed, if the client needs one.
   */
  private async flush(): Promise<void> {
    const idle =
      this.queries.size === 0 &&
      this.removed.size === 0 &&
      this.querySetVersion === this.sent.querySet &&
      this.identityVersion === this.sent.identity &&
      this.mustReachTs <= this.sent.ts;
    if (idle) return; // Nothing to re-run and nothing the client waits for.
    const caller = this.currentCaller();
    if (!caller) return;
    const { engine } = this.services;
    const entries = [...this.queries.entries()];
    const calls = entries.map(([, query]) => applyJournal(query.call, query.journal));
    // Invalid subscriptions and the CLI's system queries are answered here; the rest by the engine.
    const results: (EncodedQueryResult | null)[] = entries.map(([, query], index) =>
      this.localResult(query, calls[index]!, caller),
    );
    const pending = results.flatMap((result, index) => (result === null ? [index] : []));
    await engine.checkCommits();
    // Never older than what the client was last told: its view only moves forward.
    const consistent = await engine.queryConsistent(
      pending.map((index) => ({ call: calls[index]!, caller })),
      this.sent.ts,
    );
    pending.forEach((index, position) => (results[index] = consistent.results[position]!));
    const ts = consistent.ts;
    if (!consistent.consistent) {
      this.services.log(
        `Commits kept landing while ${pending.length} queries re-ran; sending results that may span several commits.`,
      );
    }
    if (this.closed) return;

    // Each modification as JSON text: a result's value is pasted in as the engine encoded it.
    const modifications: string[] = [];
    for (const queryId of this.removed) {
      modifications.push(JSON.stringify({ type: "QueryRemoved", queryId }));
    }
    this.removed.clear();
    entries.forEach(([queryId, query], index) => {
      const result = results[index]!;
      // A failed run keeps the journal it had, so the client does not forget its page's bounds.
      const journal = result.success ? nextJournal(calls[index]!, result.value) : query.journal;
      const unchanged =
        journal === query.journal &&
        query.sent !== undefined &&
        (query.sent === result || query.sentFingerprint === result.fingerprint);
      if (unchanged) {
        query.sent = result;
        return;
      }
      query.sent = result;
      query.sentFingerprint = result.fingerprint;
      query.journal = journal;
      modifications.push(modificationText(queryId, result, journal));
    });

    const endTs = ts > this.sent.ts ? ts : this.sent.ts;
    const needed =
      modifications.length > 0 ||
      this.querySetVersion !== this.sent.querySet ||
      this.identityVersion !== this.sent.identity ||
      this.mustReachTs > this.sent.ts;
    if (!needed) return;
    const end: Version = {
      querySet: this.querySetVersion,
      identity: this.identityVersion,
      ts: endTs,
    };
    const transition: Extract<ServerMessage, { type: "Transition" }> = {
      type: "Transition",
      startVersion: { ...this.sent, ts: encodeTs(this.sent.ts) },
      endVersion: { ...end, ts: encodeTs(end.ts) },
      modifications: [],
      ...(this.clientClockSkew !== undefined ? { clientClockSkew: this.clientClockSkew } : {}),
      serverTs: Date.now() * 1_000_000,
    };
    const text = JSON.stringify(transition);
    // `"modifications":[]` appears once, before any value: fill it with the texts built above.
    const at = text.indexOf('"modifications":[]') + '"modifications":['.length;
    this.sendText(`${text.slice(0, at)}${modifications.join(",")}${text.slice(at)}`);
    this.sent = end;
  }

  /** The result of a subscription the engine does not run (invalid arguments, system queries). */
  private localResult(
    query: SubscribedQuery,
    call: FunctionCall,
    caller: Caller,
  ): EncodedQueryResult | null {
    if (query.invalid) return query.invalid;
    const system = this.services.environment.systemQuery(call.udfPath, call.args, caller);
    if (system === undefined) return null;
    const json = JSON.stringify(system);
    return { success: true, value: system, json, fingerprint: `ok:${json}` };
  }

  private send(message: ServerMessage): void {
    this.sendText(JSON.stringify(message));
  }

  private sendText(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(text);
  }

  private fatal(error: string): void {
    this.send({ type: "FatalError", error });
    this.close(1008, error);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
  }
}
