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

const DAY = 24 * 60 * 60 * 1000;

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
  const item = {
    object: "commerce_subscription_item",
    id: `csubi_local_${plan}`,
    status,
    plan_period: "month",
    period_start: now,
    period_end: now + 30 * DAY,
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
