/**
 * What each plan includes, in one place, and which plan an organization is on.
 *
 * The plan an organization pays for lives in Clerk Billing; Parley learns it
 * only from Clerk's webhooks (`http.ts` → `system/clerkWebhooks.ts`), which
 * keep `subscriptions.plan` as the plan in force: a `past_due` subscription
 * keeps it for a grace period and a `canceled` one until its period ends,
 * and a scheduled job (`system/billing.lapse`) then writes `free`. Reading
 * the plan is therefore a read of data, never of the clock (queries are cached).
 *
 * Limits are enforced here, in the backend (`requireFeature`, `requireQuota`);
 * the dashboard's gating is a convenience only.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { appError } from "./errors";
import type { DocumentFormat } from "./documents";
import type { Plan } from "./validators";

export type PlanLimits = {
  /** Display name. */
  name: string;
  /** AI replies per organization and billing period. */
  aiRepliesPerMonth: number;
  /**
   * AI replies per organization and clock hour (UTC): the guard against one
   * visitor, or a script, spending the month's budget in an afternoon.
   */
  aiRepliesPerHour: number;
  /** Characters of knowledge-base text, all sources together. */
  knowledgeBaseCharacters: number;
  /** Largest knowledge-base file an upload may be, in bytes (Convex caps an HTTP request at 20 MB). */
  maxKnowledgeFileBytes: number;
  /** Which kinds of knowledge-base file may be uploaded (see `lib/documents.ts`). */
  knowledgeFileFormats: readonly DocumentFormat[];
  /** Pages of a sitemap imported at most (the rest are left out, and said so). */
  sitemapPages: number;
  /** Minutes of voice calls per billing period (0: voice is not included). */
  voiceMinutesPerMonth: number;
  /** Members of the organization (also set as Clerk's member limit in Clerk mode). */
  seats: number;
  /** Days of history analytics may show. */
  analyticsHistoryDays: number;
  /** Features that are either in the plan or not. */
  features: { voice: boolean; outboundWebhooks: boolean; apiKeys: boolean };
};

export const PLANS = {
  free: {
    name: "Free",
    aiRepliesPerMonth: 200,
    aiRepliesPerHour: 60,
    knowledgeBaseCharacters: 250_000,
    maxKnowledgeFileBytes: 2 * 1024 * 1024,
    knowledgeFileFormats: ["pdf", "markdown", "text", "html", "csv"],
    sitemapPages: 20,
    voiceMinutesPerMonth: 0,
    seats: 5,
    analyticsHistoryDays: 7,
    features: { voice: false, outboundWebhooks: false, apiKeys: false },
  },
  pro: {
    name: "Pro",
    aiRepliesPerMonth: 5_000,
    aiRepliesPerHour: 600,
    knowledgeBaseCharacters: 5_000_000,
    maxKnowledgeFileBytes: 10 * 1024 * 1024,
    knowledgeFileFormats: ["pdf", "markdown", "text", "html", "csv", "docx"],
    sitemapPages: 200,
    voiceMinutesPerMonth: 500,
    seats: 20,
    analyticsHistoryDays: 90,
    features: { voice: true, outboundWebhooks: true, apiKeys: true },
  },
  business: {
    name: "Business",
    aiRepliesPerMonth: 50_000,
    aiRepliesPerHour: 3_000,
    knowledgeBaseCharacters: 50_000_000,
    maxKnowledgeFileBytes: 20 * 1024 * 1024,
    knowledgeFileFormats: ["pdf", "markdown", "text", "html", "csv", "docx"],
    sitemapPages: 500,
    voiceMinutesPerMonth: 5_000,
    seats: 100,
    analyticsHistoryDays: 365,
    features: { voice: true, outboundWebhooks: true, apiKeys: true },
  },
} as const satisfies Record<Plan, PlanLimits>;

export const PLAN_ORDER: readonly Plan[] = ["free", "pro", "business"];

export type Feature = keyof PlanLimits["features"];

/**
 * Parley's plan for a Clerk Billing plan slug. Slugs come from configuration
 * (`env.planSlugs()`); anything else, including Clerk's default free plan,
 * is `free`, so an unknown plan never grants more than free.
 */
export function planForSlug(
  slug: string | null | undefined,
  slugs: { pro: string; business: string },
): Plan {
  if (slug && slug === slugs.business) return "business";
  if (slug && slug === slugs.pro) return "pro";
  return "free";
}

/** The organization's subscription row, if any (one per organization). */
export async function subscriptionOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<Doc<"subscriptions"> | null> {
  return await ctx.db
    .query("subscriptions")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .first();
}

/** The plan in force for the organization (free when it has no subscription). */
export async function currentPlan(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<Plan> {
  return (await subscriptionOf(ctx, organizationId))?.plan ?? "free";
}

/** The cheapest plan that includes `feature`. */
function cheapestWith(feature: Feature): Plan {
  return PLAN_ORDER.find((plan) => PLANS[plan].features[feature]) ?? "business";
}

/** The error's `upgradeTo`, left out (not `undefined`: error data is serialized) when no plan fits. */
const upgradeTo = (plan: Plan | undefined) =>
  plan ? { upgradeTo: { plan, name: PLANS[plan].name } } : {};

/** Throw PLAN_REQUIRED unless the organization's plan includes `feature`. */
export async function requireFeature(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  feature: Feature,
  what: string,
) {
  const plan = await currentPlan(ctx, organizationId);
  if (!PLANS[plan].features[feature]) {
    const needed = cheapestWith(feature);
    throw appError(
      "PLAN_REQUIRED",
      `${what} is included in the ${PLANS[needed].name} plan. Upgrade to use it.`,
      upgradeTo(needed),
    );
  }
  return plan;
}

export type Quota =
  "aiRepliesPerMonth" | "knowledgeBaseCharacters" | "voiceMinutesPerMonth" | "seats";

/**
 * Throw QUOTA_EXCEEDED when `used + adding` would pass the plan's `quota`
 * (or `limit`, when the organization has its own, e.g. its member limit).
 * `what` names the resource for the person reading the message; the error
 * names the cheapest bigger plan with room for it.
 */
export function requireQuota(
  plan: Plan,
  quota: Quota,
  used: number,
  adding: number,
  what: string,
  limit: number = PLANS[plan][quota],
) {
  const wanted = used + adding;
  if (wanted > limit) {
    const bigger = PLAN_ORDER.slice(PLAN_ORDER.indexOf(plan) + 1).find(
      (other) => PLANS[other][quota] >= wanted,
    );
    throw appError(
      "QUOTA_EXCEEDED",
      `The ${PLANS[plan].name} plan includes ${limit.toLocaleString("en-US")} ${what}; this would make ${wanted.toLocaleString("en-US")}. ${bigger ? "Upgrade for more." : "Remove some to make room."}`,
      upgradeTo(bigger),
    );
  }
}
