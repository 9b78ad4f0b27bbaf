/**
 * Visitor sessions. A session is started over HTTP (`POST /widget/sessions`,
 * `http.ts` → `system/contactSessions.create`), not by a function here: only
 * an HTTP action sees the caller's address, which the per-client limits need.
 */
import { v } from "convex/values";

import { findSession, visitorMutation, widgetQuery } from "../lib/functions";

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
