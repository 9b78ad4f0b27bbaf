/**
 * Usage metering per organization and billing period, kept incrementally by
 * the mutations that cause it (a conversation started, an AI reply, text
 * added to the knowledge base, a member added or removed), never counted by
 * scanning.
 *
 * **Periods.** Once Clerk has named the subscription's billing cycle
 * (`period_start` / `period_end` of its item, stored on `subscriptions`),
 * usage periods follow it: the cycle Clerk sent while it lasts, then month
 * after month from where it ended until a newer event names the next one.
 * Without a cycle (a free organization Clerk never billed, local mode
 * before a simulated subscription) the period is the calendar month in UTC.
 * Quotas roll over with the period. Period keys are `2026-12` for calendar
 * months and the start day, `2026-12-15`, for cycles. Quantities that are
 * not per period (knowledge-base characters, seats) live in one row per
 * organization whose period is `current`.
 *
 * **Shards.** Every conversation and AI reply adds to its organization's
 * period counters. On real Convex concurrent writes to one document conflict
 * and are retried, so a busy site would serialize on one row: the period
 * counters are split over `USAGE_SHARDS` rows, each write touches one chosen
 * at random, and reads sum them. The AI-reply quota is checked the same way
 * (`aiReplyRoom`): each shard holds its share of the quota, so a reply reads
 * and writes one row and only a nearly spent quota reads them all. The
 * `current` totals change only on admins' actions and stay one row.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { PLANS, subscriptionOf } from "./plans";
import type { Plan } from "./validators";

export type PeriodMeter = "conversations" | "aiReplies" | "voiceMinutes";
export type TotalMeter = "knowledgeBaseCharacters" | "seats";
export type Meter = PeriodMeter | TotalMeter;

export const CURRENT = "current";

/** How many rows an organization's period counters are split over. */
export const USAGE_SHARDS = 8;

const EMPTY = {
  conversations: 0,
  aiReplies: 0,
  voiceMinutes: 0,
  knowledgeBaseCharacters: 0,
  seats: 0,
};

export type BillingPeriod = {
  /** The usage rows' `period`. */
  key: string;
  start: number;
  /** When the next period starts. */
  end: number;
};

/** The subscription's billing cycle as Clerk last described it. */
export type BillingCycle = { start?: number; end?: number };

/** `time` moved by `months` calendar months in UTC, the day clamped to the month's length. */
export function addMonths(time: number, months: number): number {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

/** The month-long window, counted from `anchor`, that `now` falls in. */
function monthlyFrom(anchor: number, now: number): BillingPeriod {
  const a = new Date(anchor);
  const n = new Date(now);
  let k = (n.getUTCFullYear() - a.getUTCFullYear()) * 12 + (n.getUTCMonth() - a.getUTCMonth());
  while (addMonths(anchor, k) > now) k--;
  while (addMonths(anchor, k + 1) <= now) k++;
  const start = addMonths(anchor, k);
  return { key: new Date(start).toISOString().slice(0, 10), start, end: addMonths(anchor, k + 1) };
}

/** The calendar month (UTC) `time` falls in. */
export function calendarMonth(time: number): BillingPeriod {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    key: `${year}-${String(month + 1).padStart(2, "0")}`,
    start: Date.UTC(year, month, 1),
    end: Date.UTC(year, month + 1, 1),
  };
}

/**
 * The billing period `now` falls in: the cycle Clerk named while it lasts,
 * month after month from its end once it is over (until the renewal's event
 * names the next one), the calendar month when no cycle is known.
 */
export function billingPeriod(cycle: BillingCycle | null, now: number): BillingPeriod {
  const start = cycle?.start;
  const end = cycle?.end;
  if (start === undefined) return calendarMonth(now);
  if (end !== undefined && end > start) {
    // A cycle longer than a month (yearly billing) still meters monthly: the quotas are monthly.
    if (now >= start && now < end && end <= addMonths(start, 1)) {
      return { key: new Date(start).toISOString().slice(0, 10), start, end };
    }
    if (now >= end) return monthlyFrom(end, now);
  }
  return monthlyFrom(start, now);
}

/** The organization's billing period at `now` (see the header). */
export async function periodFor(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  now = Date.now(),
): Promise<BillingPeriod> {
  const subscription = await subscriptionOf(ctx, organizationId);
  return billingPeriod(
    subscription && { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd },
    now,
  );
}

function isPeriodMeter(meter: Meter): meter is PeriodMeter {
  return meter !== "knowledgeBaseCharacters" && meter !== "seats";
}

async function totalsRow(ctx: QueryCtx, organizationId: Id<"organizations">) {
  return await ctx.db
    .query("usage")
    .withIndex("by_organization_id_and_period_and_shard", (q) =>
      q.eq("organizationId", organizationId).eq("period", CURRENT),
    )
    .first();
}

async function shardRow(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  period: string,
  shard: number,
) {
  return await ctx.db
    .query("usage")
    .withIndex("by_organization_id_and_period_and_shard", (q) =>
      q.eq("organizationId", organizationId).eq("period", period).eq("shard", shard),
    )
    .unique();
}

/** Every row of a period: the shards, and a row written before sharding if there is one. */
async function periodRows(ctx: QueryCtx, organizationId: Id<"organizations">, period: string) {
  return await ctx.db
    .query("usage")
    .withIndex("by_organization_id_and_period_and_shard", (q) =>
      q.eq("organizationId", organizationId).eq("period", period),
    )
    .take(USAGE_SHARDS + 1);
}

async function addToShard(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  period: string,
  shard: number,
  row: Doc<"usage"> | null,
  meter: PeriodMeter,
  amount: number,
) {
  if (row) {
    await ctx.db.patch("usage", row._id, { [meter]: Math.max(0, row[meter] + amount) });
  } else {
    await ctx.db.insert("usage", {
      organizationId,
      period,
      shard,
      ...EMPTY,
      [meter]: Math.max(0, amount),
    });
  }
}

const randomShard = () => Math.floor(Math.random() * USAGE_SHARDS);

/**
 * Add `amount` (negative to subtract) to a meter; never goes below zero.
 * Period meters go to one shard chosen at random, so concurrent writers
 * rarely touch the same row.
 */
export async function recordUsage(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  meter: Meter,
  amount: number,
  now = Date.now(),
) {
  if (amount === 0) return;
  if (isPeriodMeter(meter)) {
    const { key } = await periodFor(ctx, organizationId, now);
    const shard = randomShard();
    const row = await shardRow(ctx, organizationId, key, shard);
    await addToShard(ctx, organizationId, key, shard, row, meter, amount);
    return;
  }
  const row = await totalsRow(ctx, organizationId);
  if (row) {
    await ctx.db.patch("usage", row._id, { [meter]: Math.max(0, row[meter] + amount) });
  } else {
    await ctx.db.insert("usage", {
      organizationId,
      period: CURRENT,
      ...EMPTY,
      [meter]: Math.max(0, amount),
    });
  }
}

/** Shard `shard`'s share of a quota of `limit`: the shares add up to `limit`. */
export function shardShare(limit: number, shard: number): number {
  return Math.floor(limit / USAGE_SHARDS) + (shard < limit % USAGE_SHARDS ? 1 : 0);
}

/**
 * Room for one more AI reply in the period's quota, or null when the
 * period's replies have reached the plan's limit; `count()` then records the
 * reply. A shard with room in its share is the whole check (one row read and
 * written); when it has none, every shard is read and the reply goes to one
 * that has, so the quota is exact. After a downgrade within a period, shards
 * can hold more than the smaller plan's share, and the period may end a
 * little above the smaller limit.
 */
export async function aiReplyRoom(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  plan: Plan,
  now = Date.now(),
): Promise<{ count: () => Promise<void> } | null> {
  const limit = PLANS[plan].aiRepliesPerMonth;
  const { key } = await periodFor(ctx, organizationId, now);
  const count = (shard: number, row: Doc<"usage"> | null) => ({
    count: () => addToShard(ctx, organizationId, key, shard, row, "aiReplies", 1),
  });
  const shard = randomShard();
  const row = await shardRow(ctx, organizationId, key, shard);
  if ((row?.aiReplies ?? 0) < shardShare(limit, shard)) return count(shard, row);
  const rows = await periodRows(ctx, organizationId, key);
  if (rows.reduce((sum, r) => sum + r.aiReplies, 0) >= limit) return null;
  const byShard = new Map(rows.map((r) => [r.shard, r]));
  const roomy = Array.from({ length: USAGE_SHARDS }, (_, i) => i).find(
    (i) => (byShard.get(i)?.aiReplies ?? 0) < shardShare(limit, i),
  );
  // No shard has room in its share only when a row from before sharding holds part of the total.
  const target = roomy ?? shard;
  return count(target, byShard.get(target) ?? null);
}

export type Usage = Pick<Doc<"usage">, Meter> & {
  period: string;
  periodStart: number;
  periodEnd: number;
};

/** The organization's usage in the period `now` falls in, with the current totals. */
export async function usageOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  now = Date.now(),
): Promise<Usage> {
  const period = await periodFor(ctx, organizationId, now);
  const rows = await periodRows(ctx, organizationId, period.key);
  const sum = (meter: PeriodMeter) => rows.reduce((total, row) => total + row[meter], 0);
  const totals = await totalsRow(ctx, organizationId);
  return {
    period: period.key,
    periodStart: period.start,
    periodEnd: period.end,
    conversations: sum("conversations"),
    aiReplies: sum("aiReplies"),
    voiceMinutes: sum("voiceMinutes"),
    knowledgeBaseCharacters: totals?.knowledgeBaseCharacters ?? 0,
    seats: totals?.seats ?? 0,
  };
}
