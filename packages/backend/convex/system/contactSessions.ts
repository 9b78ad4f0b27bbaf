import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import { internalMutation, type MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { assertInputLimits } from "../lib/inputLimits";
import { enforceRateLimit, PER_SESSION_LIMITS, rateLimiter } from "../lib/rateLimits";
import { scheduleExpiry, SESSION_TTL_MS } from "../lib/sessions";
import { generateToken, hashToken } from "../lib/tokens";
import { clearTyping } from "../lib/typing";
import { LIMITS, vNewSession } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Start a visitor session for an organization's widget, for the caller whose
 * address hashes to `clientKey`. Only `POST /widget/sessions` (`http.ts`)
 * calls this: an HTTP action is the one place the caller's address is known,
 * so the per-address limit, which keeps one client from using up the
 * organization's ceiling for everyone else, can only be applied there.
 * Returns the session token (shown once; only its hash is stored).
 */
export const create = internalMutation({
  args: { session: vNewSession, clientKey: v.string() },
  returns: v.object({ sessionToken: v.string(), expiresAt: v.number() }),
  handler: async (ctx, { session: args, clientKey }) => {
    assertInputLimits(
      { ...args },
      {
        organizationId: LIMITS.organizationId,
        name: LIMITS.name,
        email: LIMITS.email,
        metadata: LIMITS.url,
      },
    );
    const organization = await ctx.db
      .query("organizations")
      .withIndex("by_external_id", (q) => q.eq("externalId", args.organizationId))
      .unique();
    if (!organization || organization.deletedAt !== undefined) {
      throw appError("NOT_FOUND", "This support widget is not configured.");
    }
    const organizationId = organization._id;
    const settings = await widgetSettingsOrDefaults(ctx, organizationId);

    const name = args.name?.trim() || undefined;
    const email = args.email?.trim().toLowerCase() || undefined;
    if (settings.preChatFields.name === "required" && !name) {
      throw appError("INVALID_INPUT", "Please enter your name.");
    }
    if (settings.preChatFields.email === "required" && !email) {
      throw appError("INVALID_INPUT", "Please enter your email address.");
    }
    if (email && !EMAIL.test(email)) {
      throw appError("INVALID_INPUT", "Please enter a valid email address.");
    }

    // The caller's own limit first: a flood from one address is refused before
    // it touches the organization's ceiling, so other visitors still get in.
    await enforceRateLimit(ctx, "createSessionPerAddress", clientKey);
    await enforceRateLimit(ctx, "createSession", organizationId);

    const sessionToken = generateToken();
    const expiresAt = Date.now() + SESSION_TTL_MS;
    const sessionId = await ctx.db.insert("contactSessions", {
      organizationId,
      tokenHash: await hashToken(sessionToken),
      name,
      email,
      metadata: args.metadata,
      expiresAt,
      clientKey,
      ...(name || email ? { searchText: [name, email].filter(Boolean).join(" ") } : {}),
    });
    await scheduleExpiry(ctx, sessionId, expiresAt);
    return { sessionToken, expiresAt };
  },
});

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

/** Expired sessions deleted per transaction by `deleteExpired`. */
const DELETE_BATCH = 50;

/**
 * Delete one expired session and what only it refers to: the visitor's typing
 * rows and the rate-limit state kept per session. Its conversations and their
 * messages stay, each with a copy of the contact's details (`contact`), since
 * the team still reads them. The conversations of one session are few (new
 * ones are rate-limited per session), so they are read in one go.
 */
async function deleteSession(ctx: MutationCtx, session: Doc<"contactSessions">) {
  const conversations = await ctx.db
    .query("conversations")
    .withIndex("by_contact_session_id_and_last_message_at", (q) =>
      q.eq("contactSessionId", session._id),
    )
    .collect();
  const contact = {
    ...(session.name ? { name: session.name } : {}),
    ...(session.email ? { email: session.email } : {}),
    metadata: session.metadata,
    startedAt: session._creationTime,
  };
  for (const conversation of conversations) {
    await ctx.db.patch("conversations", conversation._id, { contact });
    await clearTyping(ctx, conversation._id, "visitor");
  }
  for (const name of PER_SESSION_LIMITS) {
    await rateLimiter.reset(ctx, name, { key: session._id });
  }
  await ctx.db.delete("contactSessions", session._id);
}

/**
 * The daily clean-up (crons.ts): delete every session already marked expired,
 * a batch per transaction. A deleted session leaves the index range, so the
 * next batch needs no cursor.
 */
export const deleteExpired = internalMutation({
  args: {},
  returns: v.object({ deleted: v.number(), done: v.boolean() }),
  handler: async (ctx) => {
    const expired = await ctx.db
      .query("contactSessions")
      .withIndex("by_expired_and_expires_at", (q) => q.eq("expired", true))
      .take(DELETE_BATCH);
    for (const session of expired) await deleteSession(ctx, session);
    const done = expired.length < DELETE_BATCH;
    if (!done) await ctx.scheduler.runAfter(0, internal.system.contactSessions.deleteExpired, {});
    return { deleted: expired.length, done };
  },
});
