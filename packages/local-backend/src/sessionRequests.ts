/**
 * The answers to clients' mutations, by (session id, request id): what makes
 * a mutation exactly-once across a crash. The sync protocol names a mutation
 * by its client's session id and a request id; a client whose connection drops
 * resends every mutation it has not seen reflected in a Transition, also ones
 * it already had an answer for. Convex writes the answer in the mutation's own
 * transaction (its `_session_requests` table) and answers a resend from it;
 * here the answer travels in the same log record as the mutation's writes
 * (store.ts), so either both survive a crash or neither does.
 *
 * Bounded: the most recent `maxPerSession` answers of the `maxSessions` most
 * recently active sessions. A client resends only what it sent since its last
 * confirmed Transition, so old answers are never asked for again.
 */
import type { JSONValue } from "convex/values";

/** A committed mutation's answer: its commit timestamp and its return value (Convex JSON). */
export type RecordedMutation = { ts: bigint; result: JSONValue };

/** As stored in a snapshot: [session id, request id, commit ts, result]. */
export type StoredRequest = [string, number, string, JSONValue];

export class SessionRequests {
  private readonly sessions = new Map<string, Map<number, RecordedMutation>>();

  constructor(
    private readonly maxSessions = 1_000,
    private readonly maxPerSession = 100,
  ) {}

  get(sessionId: string, requestId: number): RecordedMutation | undefined {
    return this.sessions.get(sessionId)?.get(requestId);
  }

  set(sessionId: string, requestId: number, recorded: RecordedMutation): void {
    let requests = this.sessions.get(sessionId);
    if (requests)
      this.sessions.delete(sessionId); // re-inserted below: most recent last
    else requests = new Map();
    this.sessions.set(sessionId, requests);
    requests.set(requestId, recorded);
    if (requests.size > this.maxPerSession) requests.delete(requests.keys().next().value!);
    if (this.sessions.size > this.maxSessions) {
      this.sessions.delete(this.sessions.keys().next().value!);
    }
  }

  /** Every answer held, oldest session first (so loading them back keeps the order). */
  export(): StoredRequest[] {
    const stored: StoredRequest[] = [];
    for (const [sessionId, requests] of this.sessions) {
      for (const [requestId, { ts, result }] of requests) {
        stored.push([sessionId, requestId, ts.toString(), result]);
      }
    }
    return stored;
  }

  load(stored: readonly StoredRequest[]): void {
    for (const [sessionId, requestId, ts, result] of stored) {
      this.set(sessionId, requestId, { ts: BigInt(ts), result });
    }
  }
}
