/**
 * Clerk webhook events (already verified by `http.ts`) turned into the few
 * changes Parley applies, so `system/clerkWebhooks.apply` takes strict
 * validators instead of Clerk's whole JSON.
 *
 * Field names follow @clerk/backend's types (`BillingSubscriptionWebhookEventJSON`,
 * `BillingSubscriptionItemWebhookEventJSON`, `OrganizationJSON`,
 * `OrganizationMembershipJSON`, `DeletedObjectJSON`). Every change carries
 * `syncedAt`, the time that orders it against other events for the same row:
 * the object's `updated_at` when it has one, else the event's `timestamp`.
 *
 * Billing statuses: Clerk renamed `past_due` to `pastDue` in event types (and
 * older payloads spell statuses `past_due`); both spellings are accepted.
 */
import { v, type Infer } from "convex/values";

import { toMemberRole } from "./auth";
import { planForSlug } from "./plans";
import { vMemberRole, vPlan, vSubscriptionStatus } from "./validators";

export const BILLING_EVENTS = [
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.pastDue",
  "subscriptionItem.created",
  "subscriptionItem.updated",
  "subscriptionItem.active",
  "subscriptionItem.canceled",
  "subscriptionItem.upcoming",
  "subscriptionItem.ended",
  "subscriptionItem.abandoned",
  "subscriptionItem.incomplete",
  "subscriptionItem.pastDue",
  "subscriptionItem.freeTrialEnding",
  "paymentAttempt.created",
  "paymentAttempt.updated",
] as const;

export const ORGANIZATION_EVENTS = [
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "organizationMembership.created",
  "organizationMembership.updated",
  "organizationMembership.deleted",
] as const;

const vOrganizationRef = v.object({ externalId: v.string(), name: v.optional(v.string()) });

export const vClerkChange = v.union(
  v.object({
    kind: v.literal("subscription"),
    organization: vOrganizationRef,
    /** Clerk's subscription (or subscription item) id. */
    externalId: v.string(),
    plan: vPlan,
    status: vSubscriptionStatus,
    /** The billing cycle of the plan's item (`period_start`, `period_end`). */
    currentPeriodStart: v.optional(v.number()),
    currentPeriodEnd: v.optional(v.number()),
    pastDueAt: v.optional(v.number()),
    syncedAt: v.number(),
  }),
  /** A paid plan's item ended: back to free, if that plan is still the one in force. */
  v.object({
    kind: v.literal("subscriptionEnded"),
    organization: vOrganizationRef,
    plan: vPlan,
    syncedAt: v.number(),
  }),
  v.object({
    kind: v.literal("organization"),
    externalId: v.string(),
    name: v.string(),
    slug: v.optional(v.string()),
    syncedAt: v.number(),
  }),
  v.object({
    kind: v.literal("organizationDeleted"),
    externalId: v.string(),
    syncedAt: v.number(),
  }),
  v.object({
    kind: v.literal("membership"),
    organization: v.object({
      externalId: v.string(),
      name: v.string(),
      slug: v.optional(v.string()),
    }),
    userExternalId: v.string(),
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    imageUrl: v.optional(v.string()),
    role: vMemberRole,
    syncedAt: v.number(),
  }),
  v.object({
    kind: v.literal("membershipDeleted"),
    organizationExternalId: v.string(),
    userExternalId: v.string(),
    syncedAt: v.number(),
  }),
  /** Recorded (so a redelivery is recognised) and otherwise ignored. */
  v.object({ kind: v.literal("ignored"), reason: v.string() }),
);
export type ClerkChange = Infer<typeof vClerkChange>;

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}
function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `pastDue`, `past_due`, `PAST_DUE` → `past_due`. */
export function normalizeStatus(status: string | undefined): string | undefined {
  return status
    ?.replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/-/g, "_");
}

const fail = (reason: string): ClerkChange => ({ kind: "ignored", reason });

export type ClerkEvent = { type: string; data: unknown; timestamp: unknown };

export function isKnownEvent(type: string): boolean {
  const known: readonly string[] = [...BILLING_EVENTS, ...ORGANIZATION_EVENTS];
  return known.includes(type) || known.includes(type.replace("past_due", "pastDue"));
}

/**
 * The change a verified event asks for. `slugs` maps Clerk plan slugs to
 * Parley's plans (`env.planSlugs()`). Unknown types are the caller's to
 * reject (`isKnownEvent`).
 */
export function toChange(event: ClerkEvent, slugs: { pro: string; business: string }): ClerkChange {
  const type = event.type.replace("past_due", "pastDue");
  const data = obj(event.data);
  const timestamp = num(event.timestamp) ?? 0;
  const [object, action] = type.split(".") as [string, string];

  if (object === "paymentAttempt") return fail("payment attempt recorded");

  if (object === "subscription" || object === "subscriptionItem") {
    const payer = obj(data.payer);
    const organizationId = str(payer.organization_id);
    if (!organizationId) return fail("payer is a user without an organization");
    const organization = { externalId: organizationId, name: str(payer.organization_name) };

    if (object === "subscription") {
      const status = action === "pastDue" ? "past_due" : normalizeStatus(str(data.status));
      const items = Array.isArray(data.items) ? data.items.map(obj) : [];
      const paid = (item: Json) => planForSlug(str(obj(item.plan).slug), slugs) !== "free";
      const itemStatus = (item: Json) => normalizeStatus(str(item.status));
      const live =
        items.find((i) => paid(i) && ["active", "past_due"].includes(itemStatus(i) ?? "")) ??
        items.find((i) => paid(i) && itemStatus(i) === "canceled");
      const syncedAt = num(data.updated_at) ?? timestamp;
      const externalId = str(data.id) ?? "unknown";
      if (!live) {
        return {
          kind: "subscription",
          organization,
          externalId,
          plan: "free",
          status: "active",
          syncedAt,
        };
      }
      const liveStatus = itemStatus(live);
      return {
        kind: "subscription",
        organization,
        externalId,
        plan: planForSlug(str(obj(live.plan).slug), slugs),
        status:
          status === "past_due" || liveStatus === "past_due"
            ? "past_due"
            : liveStatus === "canceled"
              ? "canceled"
              : "active",
        currentPeriodStart: num(live.period_start),
        currentPeriodEnd: num(live.period_end),
        pastDueAt: num(data.past_due_at) ?? num(live.past_due_at),
        syncedAt,
      };
    }

    // A subscription item: one plan of the payer's subscription.
    const plan = planForSlug(str(obj(data.plan).slug), slugs);
    const status =
      action === "created" || action === "updated"
        ? normalizeStatus(str(data.status))
        : normalizeStatus(action);
    const base = {
      organization,
      externalId: str(data.id) ?? "unknown",
      plan,
      currentPeriodStart: num(data.period_start),
      currentPeriodEnd: num(data.period_end),
      syncedAt: timestamp,
    };
    switch (status) {
      case "active":
        return { kind: "subscription", ...base, status: "active" };
      case "past_due":
        return {
          kind: "subscription",
          ...base,
          status: "past_due",
          pastDueAt: num(data.past_due_at) ?? timestamp,
        };
      case "canceled":
        return plan === "free"
          ? fail("free plan item canceled")
          : { kind: "subscription", ...base, status: "canceled" };
      case "ended":
      case "expired":
        return plan === "free"
          ? fail("free plan item ended")
          : { kind: "subscriptionEnded", organization, plan, syncedAt: timestamp };
      default:
        // upcoming, abandoned, incomplete, free_trial_ending: nothing changes yet.
        return fail(`subscription item ${status ?? "without status"}`);
    }
  }

  if (object === "organization") {
    const externalId = str(data.id);
    if (!externalId) return fail("organization without id");
    if (action === "deleted")
      return { kind: "organizationDeleted", externalId, syncedAt: timestamp };
    return {
      kind: "organization",
      externalId,
      name: str(data.name) ?? "Organization",
      slug: str(data.slug),
      syncedAt: num(data.updated_at) ?? timestamp,
    };
  }

  if (object === "organizationMembership") {
    const organization = obj(data.organization);
    const user = obj(data.public_user_data);
    const organizationId = str(organization.id);
    const userId = str(user.user_id);
    if (!organizationId || !userId) return fail("membership without organization or user");
    if (action === "deleted") {
      // The deletion happened when the event was sent; `updated_at` is the last change before it.
      return {
        kind: "membershipDeleted",
        organizationExternalId: organizationId,
        userExternalId: userId,
        syncedAt: Math.max(timestamp, num(data.updated_at) ?? 0),
      };
    }
    const name = [str(user.first_name), str(user.last_name)].filter(Boolean).join(" ");
    return {
      kind: "membership",
      organization: {
        externalId: organizationId,
        name: str(organization.name) ?? "Organization",
        slug: str(organization.slug),
      },
      userExternalId: userId,
      name: name || undefined,
      email: str(user.identifier),
      imageUrl: str(user.image_url),
      role: toMemberRole(str(data.role)),
      syncedAt: num(data.updated_at) ?? timestamp,
    };
  }

  return fail(`unhandled event ${event.type}`);
}
