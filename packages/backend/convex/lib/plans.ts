/** What each plan includes, and which plan an organization is on. */
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import type { Plan } from "./validators";

export const PLANS = {
  free: { aiRepliesPerMonth: 200 },
  pro: { aiRepliesPerMonth: 5_000 },
  business: { aiRepliesPerMonth: 50_000 },
} as const satisfies Record<Plan, { aiRepliesPerMonth: number }>;

/** The organization's plan: its subscription's while in good standing, otherwise free. */
export async function currentPlan(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<Plan> {
  const subscription = await ctx.db
    .query("subscriptions")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .first();
  const inGoodStanding =
    subscription && ["active", "trialing", "past_due"].includes(subscription.status);
  return inGoodStanding ? subscription.plan : "free";
}
