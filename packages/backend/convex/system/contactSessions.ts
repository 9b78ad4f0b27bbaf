import { v } from "convex/values";

import { internal } from "../_generated/api";
import { internalMutation } from "../_generated/server";
import { scheduleExpiry } from "../lib/sessions";

/**
 * A session's expiry job (scheduled when it is created): marks it expired, or,
 * when the visitor's activity has moved its expiry on, runs again then.
 */
export const expire = internalMutation({
  args: { sessionId: v.id("contactSessions") },
  returns: v.null(),
  handler: async (ctx, { sessionId }) => {
    const session = await ctx.db.get("contactSessions", sessionId);
    if (!session || session.expired) return null;
    if (session.expiresAt > Date.now()) {
      await scheduleExpiry(ctx, sessionId, session.expiresAt);
      return null;
    }
    await ctx.db.patch("contactSessions", sessionId, { expired: true });
    return null;
  },
});

/** Sessions marked per transaction by the sweep. */
const SWEEP_BATCH = 200;

/**
 * The safety net behind the expiry jobs (a lost job, sessions created before
 * they existed): mark every session past its expiry, a batch per
 * transaction. Marked sessions leave the index range, so the next batch
 * needs no cursor.
 */
export const sweepExpired = internalMutation({
  args: {},
  returns: v.object({ expired: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    const due = await ctx.db
      .query("contactSessions")
      .withIndex("by_expired_and_expires_at", (q) =>
        q.eq("expired", undefined).lte("expiresAt", Date.now()),
      )
      .take(SWEEP_BATCH);
    for (const session of due) {
      await ctx.db.patch("contactSessions", session._id, { expired: true });
    }
    const done = due.length < SWEEP_BATCH;
    if (!done) await ctx.scheduler.runAfter(0, internal.system.contactSessions.sweepExpired, {});
    return { expired: due.length, done };
  },
});
