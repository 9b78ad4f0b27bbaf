/**
 * The Clerk billing event the local Billing page simulates: a
 * `subscription.updated` shaped like Clerk's `BillingSubscriptionWebhookEventJSON`
 * (the organization as payer, one item per plan), so the backend's real
 * webhook path (`convex/http.ts`) handles it exactly as one from Clerk.
 */
export type SimulatedPlan = "free" | "pro" | "business";
export type SimulatedStatus = "active" | "past_due" | "canceled";

export const SIMULATED_PLANS: readonly SimulatedPlan[] = ["free", "pro", "business"];
export const SIMULATED_STATUSES: readonly SimulatedStatus[] = ["active", "past_due", "canceled"];

export function simulatedSubscriptionEvent(options: {
  organizationId: string;
  organizationName: string;
  plan: SimulatedPlan;
  status: SimulatedStatus;
  now: number;
}) {
  const { organizationId, organizationName, plan, status, now } = options;
  const payer = {
    object: "commerce_payer",
    id: `cpayer_${organizationId}`,
    instance_id: "ins_local",
    email: "billing@parley.local",
    image_url: "",
    organization_id: organizationId,
    organization_name: organizationName,
    created_at: now,
    updated_at: now,
  };
  // The cycle a subscription bought today would have: today (UTC) to the same day next month,
  // the same for every simulation on one day, so repeated changes keep the period's usage.
  const today = new Date(now);
  const periodStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const periodEnd = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate());
  const item = {
    object: "commerce_subscription_item",
    id: `csubi_local_${plan}`,
    status,
    plan_period: "month",
    period_start: periodStart,
    period_end: periodEnd,
    ...(status === "past_due" ? { past_due_at: now } : {}),
    ...(status === "canceled" ? { canceled_at: now } : {}),
    plan: { id: `cplan_${plan}`, slug: plan, name: plan, is_default: plan === "free" },
    plan_id: `cplan_${plan}`,
    payer,
  };
  return {
    type: "subscription.updated",
    object: "event",
    data: {
      object: "commerce_subscription",
      id: `csub_local_${organizationId}`,
      status,
      created_at: now,
      updated_at: now,
      ...(status === "past_due" ? { past_due_at: now } : {}),
      payer_id: payer.id,
      payer,
      items: [item],
    },
    event_attributes: { http_request: { client_ip: "127.0.0.1", user_agent: "Parley local" } },
    timestamp: now,
    instance_id: "ins_local",
  };
}
