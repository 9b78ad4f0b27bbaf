/**
 * Visitor-session lifetime.
 *
 * A session expires `SESSION_TTL_MS` after it was created or last extended.
 * Whether it has expired is something the data says (`contactSessions.expired`),
 * not something a query works out from the clock: real Convex caches a
 * query's result and only re-runs it when data it read changes, so a query
 * comparing `expiresAt` with `Date.now()` would keep an expired session alive
 * in every open subscription. A scheduled job per session (and an hourly
 * sweep, `system/contactSessions.ts`) sets the marker; mutations, which are
 * never cached, also check the clock.
 */
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";

/** A session lasts this long after it was created or last extended. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Whether activity at `now` should push the session's expiry forward: only
 * once less than half its lifetime remains, so an active visitor writes their
 * session row about twice a week rather than on every message (each write
 * would also re-run every query that read the session).
 */
export function needsExtension(session: Pick<Doc<"contactSessions">, "expiresAt">, now: number) {
  return session.expiresAt - now < SESSION_TTL_MS / 2;
}

/**
 * Slide the session's expiry to `now + SESSION_TTL_MS` when `needsExtension`
 * says so; returns the expiry in force. The session's expiry job is not
 * rescheduled here: when it runs at the old time it finds the new one and
 * follows it, so a session has one job however often it is extended.
 */
export async function extendSession(
  ctx: MutationCtx,
  session: Doc<"contactSessions">,
  now: number,
): Promise<number> {
  if (!needsExtension(session, now)) return session.expiresAt;
  const expiresAt = now + SESSION_TTL_MS;
  await ctx.db.patch("contactSessions", session._id, { expiresAt });
  return expiresAt;
}

/** Mark the session expired at `expiresAt` (or later, if it has been extended by then). */
export async function scheduleExpiry(
  ctx: MutationCtx,
  sessionId: Id<"contactSessions">,
  expiresAt: number,
) {
  await ctx.scheduler.runAt(expiresAt, internal.system.contactSessions.expire, { sessionId });
}
