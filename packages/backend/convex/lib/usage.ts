/**
 * Usage metering per organization and billing period, kept incrementally by
 * the mutations that cause it (a conversation started, an AI reply, text
 * added to the knowledge base, a member added or removed), never counted by
 * scanning.
 *
 * The billing period is the calendar month in UTC (`2026-12`): quotas roll
 * over on the 1st whatever the Clerk billing cycle. Quantities that are not
 * per period (knowledge-base characters, seats) are kept in one row per
 * organization whose period is `current`.
 *
 * Each organization writes its own period row on every conversation and AI
 * reply: one document per organization, like `conversationCounts`. Shard it
 * (as `lib/rateLimits.ts` does) if one site ever starts hundreds of
 * conversations a second.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export type PeriodMeter = "conversations" | "aiReplies" | "voiceMinutes";
export type TotalMeter = "knowledgeBaseCharacters" | "seats";
export type Meter = PeriodMeter | TotalMeter;

export const CURRENT = "current";

const EMPTY = {
  conversations: 0,
  aiReplies: 0,
  voiceMinutes: 0,
  knowledgeBaseCharacters: 0,
  seats: 0,
};

/** The billing period a time falls in: its calendar month in UTC. */
export function periodOf(time: number): string {
  const date = new Date(time);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** When the period after `period` starts (UTC midnight on the 1st). */
export function periodEnd(period: string): number {
  const [year = 0, month = 0] = period.split("-").map(Number);
  return Date.UTC(year, month, 1);
}

function rowPeriod(meter: Meter, now: number) {
  return meter === "knowledgeBaseCharacters" || meter === "seats" ? CURRENT : periodOf(now);
}

async function findRow(ctx: QueryCtx, organizationId: Id<"organizations">, period: string) {
  return await ctx.db
    .query("usage")
    .withIndex("by_organization_id_and_period", (q) =>
      q.eq("organizationId", organizationId).eq("period", period),
    )
    .unique();
}

/** Add `amount` (negative to subtract) to a meter; never goes below zero. */
export async function recordUsage(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  meter: Meter,
  amount: number,
  now = Date.now(),
) {
  if (amount === 0) return;
  const period = rowPeriod(meter, now);
  const row = await findRow(ctx, organizationId, period);
  if (row) {
    await ctx.db.patch("usage", row._id, { [meter]: Math.max(0, row[meter] + amount) });
  } else {
    await ctx.db.insert("usage", {
      organizationId,
      period,
      ...EMPTY,
      [meter]: Math.max(0, amount),
    });
  }
}

export type Usage = Pick<Doc<"usage">, Meter> & { period: string };

/** The organization's usage in the period `now` falls in, with the current totals. */
export async function usageOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  now = Date.now(),
): Promise<Usage> {
  const period = periodOf(now);
  const inPeriod = await findRow(ctx, organizationId, period);
  const totals = await findRow(ctx, organizationId, CURRENT);
  return {
    period,
    conversations: inPeriod?.conversations ?? 0,
    aiReplies: inPeriod?.aiReplies ?? 0,
    voiceMinutes: inPeriod?.voiceMinutes ?? 0,
    knowledgeBaseCharacters: totals?.knowledgeBaseCharacters ?? 0,
    seats: totals?.seats ?? 0,
  };
}
