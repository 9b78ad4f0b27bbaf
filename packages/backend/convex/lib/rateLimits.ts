/**
 * Abuse limits on anonymous paths, via the rate-limiter component.
 * Limits are keyed by client address, visitor session or organization, never
 * global, so one noisy site cannot starve another.
 *
 * Per client: a visitor session is created over HTTP (`http.ts`), the one
 * place the caller's address is known (`lib/clientAddress.ts`); the session
 * keeps a hash of that address (`contactSessions.clientKey`), so conversations
 * and messages count against the address too, however many sessions one
 * client opens. Each per-organization limit is a ceiling far above what one
 * address may use, so a single client cannot exhaust it for everyone else. An
 * address can be shared (an office, a mobile carrier's NAT), which is why the
 * per-address limits are generous for people and only stop scripts.
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
import { DAY, HOUR, MINUTE, RateLimiter, type RateLimitConfig } from "@convex-dev/rate-limiter";

import { PLANS } from "./plans";

import { components } from "../_generated/api";
import type { MutationCtx } from "../_generated/server";
import { appError } from "./errors";

/** Every limit; those keyed by organization are sharded (see the header). */
export const RATE_LIMITS = {
  /** New visitor sessions, per client address. */
  createSessionPerAddress: { kind: "token bucket", rate: 20, period: MINUTE, capacity: 20 },
  /**
   * New visitor sessions, per organization: the ceiling for all its visitors
   * together, 60 times one address's (10 shards of 120).
   */
  createSession: {
    kind: "token bucket",
    rate: 1_200,
    period: MINUTE,
    capacity: 1_200,
    shards: 10,
  },
  /** New conversations, per visitor session. */
  createConversation: { kind: "token bucket", rate: 10, period: HOUR, capacity: 5 },
  /** New conversations, per client address (across its sessions). */
  createConversationPerAddress: { kind: "token bucket", rate: 100, period: HOUR, capacity: 50 },
  /** Visitor messages, per session: a person typing, not a script. */
  sendMessage: { kind: "token bucket", rate: 20, period: MINUTE, capacity: 10 },
  /** Visitor messages, per client address (across its sessions). */
  sendMessagePerAddress: { kind: "token bucket", rate: 120, period: MINUTE, capacity: 60 },
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
   * AI replies per visitor session and day: one visitor cannot spend the
   * organization's budget (the per-hour and per-month budgets are in `lib/aiBudget.ts`).
   */
  aiRepliesPerSession: { kind: "fixed window", rate: 30, period: DAY },
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
  | "createSessionPerAddress"
  | "createSession"
  | "createConversation"
  | "createConversationPerAddress"
  | "sendMessage"
  | "sendMessagePerAddress"
  | "organizationMessages"
  | "rateConversation"
  | "playgroundQuestions";

/** Limits keyed by a visitor session's id: their state goes when the session is deleted. */
export const PER_SESSION_LIMITS = [
  "createConversation",
  "sendMessage",
  "rateConversation",
] as const;

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
