import { v } from "convex/values";

import { internalMutation } from "../_generated/server";
import { setPlan } from "../lib/organizations";

/**
 * The end of a `past_due` subscription's grace period, or of a `canceled`
 * subscription's paid period: the plan falls back to free. Scheduled by
 * `system/clerkWebhooks.apply`; does nothing when a newer event has changed
 * the subscription since (`syncedAt` differs), e.g. the payment went through.
 */
export const lapse = internalMutation({
  args: { subscriptionId: v.id("subscriptions"), syncedAt: v.number() },
  returns: v.null(),
  handler: async (ctx, { subscriptionId, syncedAt }) => {
    const subscription = await ctx.db.get("subscriptions", subscriptionId);
    if (!subscription || subscription.syncedAt !== syncedAt) return null;
    if (subscription.status !== "past_due" && subscription.status !== "canceled") return null;
    const organization = await ctx.db.get("organizations", subscription.organizationId);
    if (!organization) return null;
    await setPlan(ctx, organization, subscription.plan, "free");
    return null;
  },
});
