import { v } from "convex/values";

import { appError } from "../lib/errors";
import { findSession, visitorMutation, widgetMutation, widgetQuery } from "../lib/functions";
import { enforceRateLimit } from "../lib/rateLimits";
import { scheduleExpiry, SESSION_TTL_MS } from "../lib/sessions";
import { generateToken, hashToken } from "../lib/tokens";
import { LIMITS, vSessionMetadata } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Start a visitor session for the organization's widget. Returns the session
 * token (shown once; only its hash is stored) for the widget to keep.
 */
export const create = widgetMutation({
  args: {
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    metadata: vSessionMetadata,
  },
  limits: { name: LIMITS.name, email: LIMITS.email, metadata: LIMITS.url },
  returns: v.object({ sessionToken: v.string(), expiresAt: v.number() }),
  handler: async (ctx, args) => {
    const organizationId = ctx.organization._id;
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
      ...(name || email ? { searchText: [name, email].filter(Boolean).join(" ") } : {}),
    });
    await scheduleExpiry(ctx, sessionId, expiresAt);
    return { sessionToken, expiresAt };
  },
});

/**
 * Whether a stored token still opens a session of this organization. Answers
 * instead of throwing, so the widget can quietly fall back to the pre-chat form.
 */
export const validate = widgetQuery({
  args: { sessionToken: v.string() },
  returns: v.union(
    v.object({
      valid: v.literal(true),
      expiresAt: v.number(),
      name: v.optional(v.string()),
      email: v.optional(v.string()),
    }),
    v.object({ valid: v.literal(false) }),
  ),
  handler: async (ctx, args) => {
    const session = await findSession(ctx, args.sessionToken);
    // A session of another organization is not a session here.
    if (!session || session.organizationId !== ctx.organization._id)
      return { valid: false as const };
    return {
      valid: true as const,
      expiresAt: session.expiresAt,
      name: session.name,
      email: session.email,
    };
  },
});

/**
 * Keep the session alive while the widget is open. Every visitor mutation
 * slides the expiry (only once less than half the lifetime is left, see
 * `lib/sessions.ts`); this one does nothing else, for a visitor who reads
 * but does not write.
 */
export const refresh = visitorMutation({
  args: {},
  returns: v.object({ expiresAt: v.number() }),
  handler: (ctx) => Promise.resolve({ expiresAt: ctx.session.expiresAt }),
});
