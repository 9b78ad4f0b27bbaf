import { v } from "convex/values";

import { orgQuery } from "../lib/functions";
import { PLAN_ORDER, PLANS, subscriptionOf } from "../lib/plans";
import { usageOf } from "../lib/usage";
import { vPlan, vSubscriptionStatus } from "../lib/validators";

const vLimits = v.object({
  aiRepliesPerMonth: v.number(),
  aiRepliesPerHour: v.number(),
  knowledgeBaseCharacters: v.number(),
  maxKnowledgeFileBytes: v.number(),
  knowledgeFileFormats: v.array(v.string()),
  sitemapPages: v.number(),
  voiceMinutesPerMonth: v.number(),
  seats: v.number(),
  analyticsHistoryDays: v.number(),
  features: v.object({ voice: v.boolean(), outboundWebhooks: v.boolean(), apiKeys: v.boolean() }),
});

/**
 * The Billing page: the plan in force and what Clerk says is paid for, its
 * status and dates, this period's usage against the plan's limits, and what
 * each plan includes. Admins only.
 */
export const get = orgQuery({
  role: "admin",
  args: {},
  returns: v.object({
    plan: vPlan,
    paidPlan: vPlan,
    status: vSubscriptionStatus,
    currentPeriodEnd: v.optional(v.number()),
    graceEndsAt: v.optional(v.number()),
    memberLimit: v.number(),
    usage: v.object({
      period: v.string(),
      periodStart: v.number(),
      periodEnd: v.number(),
      conversations: v.number(),
      aiReplies: v.number(),
      voiceMinutes: v.number(),
      knowledgeBaseCharacters: v.number(),
      seats: v.number(),
    }),
    limits: vLimits,
    plans: v.array(v.object({ id: vPlan, name: v.string(), limits: vLimits })),
  }),
  handler: async (ctx) => {
    const subscription = await subscriptionOf(ctx, ctx.organizationId);
    const plan = subscription?.plan ?? "free";
    const limitsOf = (id: typeof plan) => {
      const { name: _name, ...limits } = PLANS[id];
      return {
        ...limits,
        knowledgeFileFormats: [...limits.knowledgeFileFormats],
        features: { ...limits.features },
      };
    };
    return {
      plan,
      paidPlan: subscription?.paidPlan ?? plan,
      status: subscription?.status ?? "active",
      currentPeriodEnd: subscription?.currentPeriodEnd,
      graceEndsAt: subscription?.status === "past_due" ? subscription.graceEndsAt : undefined,
      memberLimit: ctx.organization.memberLimit ?? PLANS[plan].seats,
      usage: await usageOf(ctx, ctx.organizationId),
      limits: limitsOf(plan),
      plans: PLAN_ORDER.map((id) => ({ id, name: PLANS[id].name, limits: limitsOf(id) })),
    };
  },
});
