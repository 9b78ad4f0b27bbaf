/**
 * Clerk webhook deliveries for tests: payloads shaped like Clerk's documented
 * ones (@clerk/backend's `BillingSubscriptionWebhookEventJSON`,
 * `BillingSubscriptionItemWebhookEventJSON`, `OrganizationJSON`,
 * `OrganizationMembershipJSON`, `DeletedObjectJSON`), signed by the `svix`
 * SDK itself, as Svix signs Clerk's deliveries.
 */
import { Webhook } from "svix";

import type { Test } from "./setup";

/** A `whsec_` secret like the ones Clerk shows for an endpoint (32 random bytes). */
export function webhookSecret(seed = 7): string {
  const bytes = Array.from({ length: 32 }, (_, i) => (i * 31 + seed * 17) % 256);
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

export const TEST_WEBHOOK_SECRET = webhookSecret();

let deliveries = 0;

export type Delivery = {
  /** `svix-id`; a redelivery repeats it. */
  id?: string;
  type: string;
  data: Record<string, unknown>;
  /** The event's `timestamp` (ms). */
  timestamp?: number;
  /** When Svix signs it (defaults to now). */
  signedAt?: Date;
  secret?: string;
  /** Change the body after signing. */
  tamper?: (body: string) => string;
};

/** The headers and body Svix would send. */
export function signed(delivery: Delivery) {
  const id = delivery.id ?? `msg_${++deliveries}`;
  const body = JSON.stringify({
    type: delivery.type,
    object: "event",
    data: delivery.data,
    event_attributes: { http_request: { client_ip: "192.0.2.1", user_agent: "Clerk" } },
    timestamp: delivery.timestamp ?? Date.now(),
    instance_id: "ins_test",
  });
  const signedAt = delivery.signedAt ?? new Date();
  const signature = new Webhook(delivery.secret ?? TEST_WEBHOOK_SECRET).sign(id, signedAt, body);
  return {
    id,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
      "svix-signature": signature,
    },
    body: delivery.tamper ? delivery.tamper(body) : body,
  };
}

/** POST the delivery to `http.ts` through convex-test's `t.fetch`. */
export async function deliver(t: Test, delivery: Delivery) {
  const { headers, body, id } = signed(delivery);
  const response = await t.fetch("/webhooks/clerk", { method: "POST", headers, body });
  return { status: response.status, id };
}

const payer = (orgId: string | undefined) => ({
  object: "commerce_payer",
  id: `cpayer_${orgId ?? "user"}`,
  instance_id: "ins_test",
  email: "billing@example.com",
  image_url: "",
  created_at: 1,
  updated_at: 1,
  ...(orgId
    ? { organization_id: orgId, organization_name: `Organization ${orgId}` }
    : { user_id: "user_solo", first_name: "Solo" }),
});

const plan = (slug: string) => ({
  id: `cplan_${slug}`,
  instance_id: "ins_test",
  product_id: "cprod_parley",
  name: slug,
  slug,
  is_default: slug === "free_org",
  is_recurring: true,
  amount: slug === "free_org" ? 0 : 4900,
  period: "month",
  interval: 1,
  has_base_fee: slug !== "free_org",
  currency: "USD",
  annual_monthly_amount: 0,
  publicly_visible: true,
});

export type ItemOptions = {
  orgId?: string;
  slug: string;
  status: string;
  periodStart?: number;
  periodEnd?: number;
  pastDueAt?: number;
};

/** A `BillingSubscriptionItemWebhookEventJSON`. */
export function subscriptionItem(options: ItemOptions) {
  return {
    object: "commerce_subscription_item",
    id: `csubi_${options.slug}`,
    status: options.status,
    plan_period: "month",
    period_start: options.periodStart ?? Date.UTC(2026, 11, 1),
    period_end: options.periodEnd ?? Date.UTC(2027, 0, 1),
    ...(options.pastDueAt ? { past_due_at: options.pastDueAt } : {}),
    lifetime_paid: 0,
    next_payment_amount: 4900,
    next_payment_date: Date.UTC(2027, 0, 1),
    amount: { amount: 4900, amount_formatted: "49.00", currency: "USD", currency_symbol: "$" },
    plan: plan(options.slug),
    plan_id: `cplan_${options.slug}`,
    payer: payer(options.orgId),
  };
}

/** A `BillingSubscriptionWebhookEventJSON` with its items. */
export function subscription(options: {
  orgId?: string;
  status: string;
  updatedAt: number;
  items: ItemOptions[];
  pastDueAt?: number;
}) {
  return {
    object: "commerce_subscription",
    id: `csub_${options.orgId ?? "user"}`,
    status: options.status,
    created_at: 1,
    updated_at: options.updatedAt,
    ...(options.pastDueAt ? { past_due_at: options.pastDueAt } : {}),
    latest_payment_id: "cpay_1",
    payer_id: `cpayer_${options.orgId ?? "user"}`,
    payer: payer(options.orgId),
    payment_source_id: "cps_1",
    items: options.items.map((item) => subscriptionItem({ ...item, orgId: options.orgId })),
  };
}

/** A `BillingPaymentAttemptWebhookEventJSON`. */
export function paymentAttempt(orgId: string, status: "pending" | "paid" | "failed") {
  return {
    object: "commerce_payment_attempt",
    id: "cpa_1",
    instance_id: "ins_test",
    payment_id: "cpay_1",
    statement_id: "cstmt_1",
    gateway_external_id: "pi_1",
    status,
    created_at: 1,
    updated_at: 2,
    billing_date: 1,
    charge_type: "recurring",
    payee: {
      id: "cpayee_1",
      gateway_type: "stripe",
      gateway_external_id: "acct_1",
      gateway_status: "active",
    },
    payer: payer(orgId),
    totals: {},
    payment_source: {
      id: "cps_1",
      gateway: "stripe",
      gateway_external_id: "pm_1",
      payment_method: "card",
      status: "active",
    },
    subscription_items: [subscriptionItem({ orgId, slug: "pro", status: "active" })],
  };
}

/** An `OrganizationJSON`. */
export function organization(orgId: string, name: string, updatedAt: number) {
  return {
    object: "organization",
    id: orgId,
    name,
    slug: name.toLowerCase().replace(/\W+/g, "-"),
    has_image: false,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: {},
    created_at: 1,
    updated_at: updatedAt,
  };
}

/** A `DeletedObjectJSON` for an organization. */
export const deletedOrganization = (orgId: string) => ({
  object: "organization",
  id: orgId,
  deleted: true,
});

/** An `OrganizationMembershipJSON`. */
export function membership(
  orgId: string,
  userId: string,
  role: "org:admin" | "org:member",
  updatedAt: number,
) {
  return {
    object: "organization_membership",
    id: `orgmem_${orgId}_${userId}`,
    role,
    permissions: [],
    public_metadata: {},
    created_at: 1,
    updated_at: updatedAt,
    organization: organization(orgId, `Organization ${orgId}`, 1),
    public_user_data: {
      identifier: `${userId}@example.com`,
      first_name: "Member",
      last_name: userId,
      image_url: "",
      has_image: false,
      user_id: userId,
    },
  };
}
