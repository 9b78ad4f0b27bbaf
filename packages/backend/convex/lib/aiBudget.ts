/**
 * The organization's AI budget, checked before every AI reply
 * (`system/messages.startReply`), on top of the plan's monthly quota:
 *
 * - per visitor session: `aiRepliesPerSession` replies a day (`lib/rateLimits.ts`),
 *   so one visitor cannot spend what the organization's other visitors need;
 * - per organization and clock hour (UTC): the plan's `aiRepliesPerHour`
 *   (`lib/plans.ts`), counted in the organization's `aiBudgets` row.
 *
 * A visitor who hits a budget gets a polite message offering a human instead
 * of an answer. When the hourly or the monthly budget is nearly used
 * (`WARNING_SHARE`), the team's notification feed says so, once per hour or
 * billing period.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { notify } from "./notifications";
import { PLANS } from "./plans";
import { rateLimiter } from "./rateLimits";
import { periodFor } from "./usage";
import type { Plan } from "./validators";

/** The share of a budget after which the team is told it is nearly used. */
export const WARNING_SHARE = 0.8;

const HOUR_MS = 60 * 60 * 1000;

/** What the visitor reads instead of an answer, by the budget that ran out. */
export const BUDGET_MESSAGES = {
  session:
    "I've answered as many questions as I can in one chat today. Press **Talk to a human** and someone from the team will reply here.",
  hour: "I'm answering a lot of questions right now and can't take yours at the moment. Press **Talk to a human** and someone from the team will reply here, or try again a little later.",
} as const;

export type BudgetRefusal = keyof typeof BUDGET_MESSAGES;

async function budgetRow(ctx: MutationCtx, organizationId: Id<"organizations">) {
  return await ctx.db
    .query("aiBudgets")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .unique();
}

/**
 * Take one AI reply from the session's and the organization's hourly budget,
 * or say which one is spent (nothing is taken from the hour then).
 */
export async function takeReplyBudget(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  plan: Plan,
  now = Date.now(),
): Promise<{ ok: true; repliesThisHour: number } | { ok: false; refusal: BudgetRefusal }> {
  const perSession = await rateLimiter.limit(ctx, "aiRepliesPerSession", {
    key: conversation.contactSessionId,
  });
  if (!perSession.ok) return { ok: false, refusal: "session" };

  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  const row = await budgetRow(ctx, conversation.organizationId);
  const used = row && row.hourStart === hourStart ? row.repliesThisHour : 0;
  if (used >= PLANS[plan].aiRepliesPerHour) return { ok: false, refusal: "hour" };
  if (row) await ctx.db.patch("aiBudgets", row._id, { hourStart, repliesThisHour: used + 1 });
  else {
    await ctx.db.insert("aiBudgets", {
      organizationId: conversation.organizationId,
      hourStart,
      repliesThisHour: 1,
    });
  }
  return { ok: true, repliesThisHour: used + 1 };
}

const nearlyUsed = (used: number, limit: number) => used >= Math.ceil(limit * WARNING_SHARE);

/**
 * After a reply was taken: tell the team once per hour, and once per billing
 * period, that the budget is nearly used.
 */
export async function warnIfNearlyUsed(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  plan: Plan,
  used: { repliesThisHour: number; repliesThisPeriod: number },
  now = Date.now(),
) {
  const row = await budgetRow(ctx, organizationId);
  if (!row) return;
  const limits = PLANS[plan];
  if (nearlyUsed(used.repliesThisHour, limits.aiRepliesPerHour)) {
    if (row.warnedHourStart !== row.hourStart) {
      await ctx.db.patch("aiBudgets", row._id, { warnedHourStart: row.hourStart });
      await notify(ctx, {
        organizationId,
        kind: "ai.budget",
        title: "The assistant is nearly at its hourly limit",
        body: `${used.repliesThisHour} of ${limits.aiRepliesPerHour} AI replies used this hour. Visitors are offered a human once it is reached.`,
      });
    }
  }
  const period = (await periodFor(ctx, organizationId, now)).key;
  if (nearlyUsed(used.repliesThisPeriod, limits.aiRepliesPerMonth)) {
    if (row.warnedPeriod !== period) {
      await ctx.db.patch("aiBudgets", row._id, { warnedPeriod: period });
      await notify(ctx, {
        organizationId,
        kind: "ai.budget",
        title: "The assistant is nearly at this month's limit",
        body: `${used.repliesThisPeriod} of ${limits.aiRepliesPerMonth} AI replies used this month on the ${limits.name} plan. Upgrade for more.`,
      });
    }
  }
}
