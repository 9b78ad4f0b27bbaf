/**
 * Abuse limits on anonymous paths, via the rate-limiter component.
 * Limits are keyed by organization or visitor session, never global, so one
 * noisy site cannot starve another.
 *
 * A per-organization limit is one document written by every visitor of that
 * organization; on real Convex, concurrent writes to one document conflict
 * and are retried, so a busy site would serialize on it. Those limits are
 * sharded (`shards`): the capacity is split across that many documents and
 * each call touches one or two of them, chosen at random. The upper bound
 * still holds; near exhaustion a call may be refused while another shard
 * has a little left. Each shard keeps at least 10 units of capacity (the
 * component's advice), so that effect stays small. Per-session limits have
 * one writer and stay unsharded.
 *
 * Other documents written on every visitor message: the conversation row
 * (one per visitor, fine), the session row only when its expiry slides (at
 * most every half lifetime, `lib/sessions.ts`); no per-organization counters.
 */
import { HOUR, MINUTE, RateLimiter, type RateLimitConfig } from "@convex-dev/rate-limiter";

import { PLANS } from "./plans";

import { components } from "../_generated/api";
import type { MutationCtx } from "../_generated/server";
import { appError } from "./errors";

/** Every limit; those keyed by organization are sharded (see the header). */
export const RATE_LIMITS = {
  /** New visitor sessions, per organization (4 shards of 30). */
  createSession: {
    kind: "token bucket",
    rate: 60,
    period: MINUTE,
    capacity: 120,
    shards: 4,
  },
  /** New conversations, per visitor session. */
  createConversation: { kind: "token bucket", rate: 10, period: HOUR, capacity: 5 },
  /** Visitor messages, per session: a person typing, not a script. */
  sendMessage: { kind: "token bucket", rate: 20, period: MINUTE, capacity: 10 },
  /** Ratings (and corrections of a rating), per visitor session. */
  rateConversation: { kind: "token bucket", rate: 10, period: HOUR, capacity: 5 },
  /** Visitor messages, per organization, across all its visitors (10 shards of 30). */
  organizationMessages: {
    kind: "token bucket",
    rate: 600,
    period: MINUTE,
    capacity: 300,
    shards: 10,
  },
  /**
   * "Test your agent" questions, per organization: a team trying its agent,
   * not a script. Kept out of the plan's AI-reply quota (they are no
   * visitor's replies), so this is their cost guard.
   */
  playgroundQuestions: { kind: "token bucket", rate: 60, period: HOUR, capacity: 20 },
  /** AI replies per organization and 30 days, by plan (the cost guard). */
  aiReplies_free: {
    kind: "fixed window",
    rate: PLANS.free.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
    shards: 4,
  },
  aiReplies_pro: {
    kind: "fixed window",
    rate: PLANS.pro.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
    shards: 10,
  },
  aiReplies_business: {
    kind: "fixed window",
    rate: PLANS.business.aiRepliesPerMonth,
    period: 30 * 24 * HOUR,
    shards: 10,
  },
} satisfies Record<string, RateLimitConfig>;

export const rateLimiter = new RateLimiter(components.rateLimiter, RATE_LIMITS);

export type RateLimitName =
  | "createSession"
  | "createConversation"
  | "sendMessage"
  | "organizationMessages"
  | "rateConversation"
  | "playgroundQuestions";

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
