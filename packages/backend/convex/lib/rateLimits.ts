/**
 * Abuse limits on anonymous paths, via the rate-limiter component.
 * Limits are keyed by organization or visitor session, never global, so one
 * noisy site cannot starve another.
 */
import { HOUR, MINUTE, RateLimiter } from "@convex-dev/rate-limiter";

import { PLANS } from "./plans";

import { components } from "../_generated/api";
import type { MutationCtx } from "../_generated/server";
import { appError } from "./errors";

export const rateLimiter = new RateLimiter(components.rateLimiter, {
  /** New visitor sessions, per organization. */
  createSession: { kind: "token bucket", rate: 60, period: MINUTE, capacity: 120 },
  /** New conversations, per visitor session. */
  createConversation: { kind: "token bucket", rate: 10, period: HOUR, capacity: 5 },
  /** Visitor messages, per session: a person typing, not a script. */
  sendMessage: { kind: "token bucket", rate: 20, period: MINUTE, capacity: 10 },
  /** Ratings (and corrections of a rating), per visitor session. */
  rateConversation: { kind: "token bucket", rate: 10, period: HOUR, capacity: 5 },
  /** Visitor messages, per organization, across all its visitors. */
  organizationMessages: { kind: "token bucket", rate: 600, period: MINUTE, capacity: 300 },
  /** AI replies per organization and 30 days, by plan (the cost guard). */
  aiReplies_free: {
    kind: "fixed window",
    rate: PLANS.free.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
  },
  aiReplies_pro: {
    kind: "fixed window",
    rate: PLANS.pro.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
  },
  aiReplies_business: {
    kind: "fixed window",
    rate: PLANS.business.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
  },
});

export type RateLimitName =
  | "createSession"
  | "createConversation"
  | "sendMessage"
  | "organizationMessages"
  | "rateConversation";

/** Consume one unit of `name` for `key`, or throw RATE_LIMITED saying when to retry. */
export async function enforceRateLimit(ctx: MutationCtx, name: RateLimitName, key: string) {
  const status = await rateLimiter.limit(ctx, name, { key });
  if (!status.ok) {
    const seconds = Math.max(1, Math.ceil(status.retryAfter / 1000));
    throw appError(
      "RATE_LIMITED",
      `Too many requests. Please try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
      { retryAfterMs: status.retryAfter },
    );
  }
}
