/**
 * Organizations as Clerk's webhooks and first sign-ins create them, the plan
 * in force, and member removals. Shared by `private/organizations.bootstrap`,
 * `private/members` and `system/clerkWebhooks`.
 */
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "./audit";
import { env } from "./env";
import { PLANS, subscriptionOf } from "./plans";
import type { Plan } from "./validators";
import { ensureWidgetSettings } from "./widgetDefaults";

export async function findOrganization(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("organizations")
    .withIndex("by_external_id", (q) => q.eq("externalId", externalId))
    .unique();
}

/**
 * The organization with this Clerk id, created on first mention (a sign-in
 * or a webhook, whichever comes first) with the free plan and default widget.
 */
export async function ensureOrganization(
  ctx: MutationCtx,
  externalId: string,
  name: string | undefined,
  slug?: string,
): Promise<Doc<"organizations">> {
  const existing = await findOrganization(ctx, externalId);
  if (existing) return existing;
  const trimmed = name?.trim();
  const id = await ctx.db.insert("organizations", {
    externalId,
    name: trimmed ? trimmed : "My organization",
    slug,
    memberLimit: PLANS.free.seats,
  });
  await ctx.db.insert("subscriptions", {
    organizationId: id,
    plan: "free",
    status: "active",
    updatedAt: Date.now(),
  });
  await ensureWidgetSettings(ctx, id);
  return (await ctx.db.get("organizations", id))!;
}

/**
 * Put `to` in force for the organization: the subscription's plan, the member
 * limit recorded here and, in Clerk mode, Clerk's own member limit (through
 * `system/clerk.setMemberLimit`, which calls Clerk's Backend API).
 */
export async function setPlan(
  ctx: MutationCtx,
  organization: Doc<"organizations">,
  from: Plan,
  to: Plan,
) {
  const subscription = await subscriptionOf(ctx, organization._id);
  if (subscription && subscription.plan !== to) {
    await ctx.db.patch("subscriptions", subscription._id, { plan: to });
  }
  const memberLimit = PLANS[to].seats;
  if (organization.memberLimit !== memberLimit) {
    await ctx.db.patch("organizations", organization._id, { memberLimit });
    if (env.clerkApi()) {
      await ctx.scheduler.runAfter(0, internal.system.clerk.setMemberLimit, {
        organizationExternalId: organization.externalId,
        memberLimit,
      });
    }
  }
  if (from !== to) {
    await audit(ctx, {
      organizationId: organization._id,
      actor: { type: "system" },
      action: "plan.changed",
      targetId: organization.externalId,
      details: { from, to },
    });
  }
}

/** The record of a member's removal from an organization, if any. */
export async function removalOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  userExternalId: string,
) {
  return await ctx.db
    .query("membershipRemovals")
    .withIndex("by_organization_id_and_user_external_id", (q) =>
      q.eq("organizationId", organizationId).eq("userExternalId", userExternalId),
    )
    .unique();
}

/**
 * Remember a removal, so the member's still-valid token is refused and a
 * sign-in does not recreate the membership (`lib/functions.ts`).
 */
export async function recordRemoval(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  userExternalId: string,
  removedAt: number,
) {
  const removal = await removalOf(ctx, organizationId, userExternalId);
  if (!removal) {
    await ctx.db.insert("membershipRemovals", { organizationId, userExternalId, removedAt });
  } else if (removal.removedAt < removedAt) {
    await ctx.db.patch("membershipRemovals", removal._id, { removedAt });
  }
}

/** Forget a removal: the identity provider has added the member again. */
export async function clearRemoval(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  userExternalId: string,
) {
  const removal = await removalOf(ctx, organizationId, userExternalId);
  if (removal) await ctx.db.delete("membershipRemovals", removal._id);
}
