import { v } from "convex/values";

import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import { internalMutation, type MutationCtx } from "../_generated/server";
import { audit } from "../lib/audit";
import { vClerkChange, type ClerkChange } from "../lib/clerkEvents";
import { env } from "../lib/env";
import {
  ensureOrganization,
  findOrganization,
  recordRemoval,
  removalOf,
  setPlan,
} from "../lib/organizations";
import { subscriptionOf } from "../lib/plans";
import { recordUsage } from "../lib/usage";

/**
 * Clerk's webhooks, after `http.ts` has verified them, applied in one
 * transaction each:
 *
 * - **Once.** The delivery's `svix-id` is stored in `webhookEvents` in the
 *   same transaction as its effect, so a redelivery finds it and does nothing.
 * - **Newest wins.** Each row remembers the time of the newest event applied
 *   to it (`syncedAt`); an older event arriving late is recorded as `stale`
 *   and changes nothing, whatever the arrival order.
 * - **Clerk is the authority** for organizations, memberships and plans: no
 *   last-admin rule or seat limit refuses what Clerk has already done.
 */
export const apply = internalMutation({
  args: { svixId: v.string(), type: v.string(), change: vClerkChange },
  returns: v.union(v.literal("duplicate"), v.string()),
  handler: async (ctx, { svixId, type, change }) => {
    const seen = await ctx.db
      .query("webhookEvents")
      .withIndex("by_source_and_external_id", (q) =>
        q.eq("source", "clerk").eq("externalId", svixId),
      )
      .unique();
    if (seen) return "duplicate";
    const outcome = await applyChange(ctx, change);
    await ctx.db.insert("webhookEvents", {
      source: "clerk",
      externalId: svixId,
      type,
      processedAt: Date.now(),
      outcome,
    });
    return outcome;
  },
});

async function applyChange(ctx: MutationCtx, change: ClerkChange): Promise<string> {
  switch (change.kind) {
    case "ignored":
      return `ignored: ${change.reason}`;
    case "subscription":
    case "subscriptionEnded":
      return await applySubscription(ctx, change);
    case "organization": {
      const organization = await ensureOrganization(ctx, change.externalId, change.name);
      if (organization.deletedAt !== undefined) return "ignored: organization deleted";
      if (organization.syncedAt !== undefined && change.syncedAt <= organization.syncedAt) {
        return "stale";
      }
      await ctx.db.patch("organizations", organization._id, {
        name: change.name,
        slug: change.slug,
        syncedAt: change.syncedAt,
      });
      return "applied";
    }
    case "organizationDeleted":
      return await deleteOrganization(ctx, change.externalId, change.syncedAt);
    case "membership":
      return await applyMembership(ctx, change);
    case "membershipDeleted":
      return await removeMembership(ctx, change);
  }
}

type SubscriptionChange = Extract<ClerkChange, { kind: "subscription" | "subscriptionEnded" }>;

async function applySubscription(ctx: MutationCtx, change: SubscriptionChange) {
  const organization = await ensureOrganization(
    ctx,
    change.organization.externalId,
    change.organization.name,
  );
  if (organization.deletedAt !== undefined) return "ignored: organization deleted";
  const subscription = (await subscriptionOf(ctx, organization._id))!;
  if (subscription.syncedAt !== undefined && change.syncedAt <= subscription.syncedAt) {
    return "stale";
  }
  const now = Date.now();

  if (change.kind === "subscriptionEnded") {
    // Only the plan in force ending matters (upgrading ends the old plan's item too).
    if ((subscription.paidPlan ?? subscription.plan) !== change.plan) {
      return "ignored: another plan ended";
    }
    await ctx.db.patch("subscriptions", subscription._id, {
      paidPlan: "free",
      status: "active",
      graceEndsAt: undefined,
      currentPeriodEnd: undefined,
      syncedAt: change.syncedAt,
      updatedAt: now,
    });
    await setPlan(ctx, organization, subscription.plan, "free");
    return "applied";
  }

  // A past-due subscription keeps its plan until the grace period ends; the
  // period starts at the first failure, not at every reminder.
  let graceEndsAt: number | undefined;
  if (change.status === "past_due") {
    graceEndsAt =
      subscription.status === "past_due" && subscription.graceEndsAt !== undefined
        ? subscription.graceEndsAt
        : (change.pastDueAt ?? change.syncedAt) + env.pastDueGraceDays() * DAY;
  }
  // A canceled subscription keeps its plan until its period ends.
  const deadline =
    change.status === "past_due"
      ? graceEndsAt
      : change.status === "canceled"
        ? (change.currentPeriodEnd ?? now)
        : undefined;
  const inForce = deadline !== undefined && deadline <= now ? "free" : change.plan;

  await ctx.db.patch("subscriptions", subscription._id, {
    paidPlan: change.plan,
    status: change.status,
    externalId: change.externalId,
    // A change without a cycle (back to free) keeps the last one: usage periods go on following it.
    currentPeriodStart: change.currentPeriodStart ?? subscription.currentPeriodStart,
    currentPeriodEnd: change.currentPeriodEnd,
    graceEndsAt,
    syncedAt: change.syncedAt,
    updatedAt: now,
  });
  await setPlan(ctx, organization, subscription.plan, inForce);
  if (deadline !== undefined && deadline > now) {
    await ctx.scheduler.runAt(deadline, internal.system.billing.lapse, {
      subscriptionId: subscription._id,
      syncedAt: change.syncedAt,
    });
  }
  return "applied";
}

const DAY = 24 * 60 * 60 * 1000;

async function deleteOrganization(ctx: MutationCtx, externalId: string, syncedAt: number) {
  // A late `organization.created` must not bring it back: keep the row, marked.
  const organization = await ensureOrganization(ctx, externalId, "Deleted organization");
  if (organization.deletedAt !== undefined) return "ignored: already deleted";
  const now = Date.now();
  await ctx.db.patch("organizations", organization._id, { deletedAt: now, syncedAt });
  const retention = env.deletedOrganizationRetentionDays() * DAY;
  await ctx.scheduler.runAfter(retention, internal.system.organizations.purge, {
    organizationId: organization._id,
  });
  await audit(ctx, {
    organizationId: organization._id,
    actor: { type: "system" },
    action: "organization.deleted",
    targetId: externalId,
    details: { purgeAt: new Date(now + retention).toISOString() },
  });
  return "applied";
}

/** Users with this identity-provider id (one per issuer that signed them in). */
async function usersByExternalId(ctx: MutationCtx, externalId: string) {
  return await ctx.db
    .query("users")
    .withIndex("by_external_id", (q) => q.eq("externalId", externalId))
    .take(10);
}

async function membershipOf(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  userId: Id<"users">,
) {
  return await ctx.db
    .query("memberships")
    .withIndex("by_organization_id_and_user_id", (q) =>
      q.eq("organizationId", organizationId).eq("userId", userId),
    )
    .unique();
}

async function applyMembership(
  ctx: MutationCtx,
  change: Extract<ClerkChange, { kind: "membership" }>,
) {
  const organization = await ensureOrganization(
    ctx,
    change.organization.externalId,
    change.organization.name,
  );
  if (organization.deletedAt !== undefined) return "ignored: organization deleted";
  const removal = await removalOf(ctx, organization._id, change.userExternalId);
  if (removal && change.syncedAt <= removal.removedAt) return "stale";

  let users: Doc<"users">[] = await usersByExternalId(ctx, change.userExternalId);
  if (users.length === 0) {
    // Create the user as their first sign-in will find them: Clerk's issuer and their id.
    const issuer = env.clerkIssuerDomain();
    if (!issuer) return "ignored: user has not signed in yet";
    const id = await ctx.db.insert("users", {
      tokenIdentifier: `${issuer}|${change.userExternalId}`,
      externalId: change.userExternalId,
      name: change.name,
      email: change.email,
      imageUrl: change.imageUrl,
    });
    users = [(await ctx.db.get("users", id))!];
  }
  let outcome = "stale";
  for (const user of users) {
    const membership = await membershipOf(ctx, organization._id, user._id);
    if (membership) {
      if (membership.syncedAt !== undefined && change.syncedAt <= membership.syncedAt) continue;
      await ctx.db.patch("memberships", membership._id, {
        role: change.role,
        syncedAt: change.syncedAt,
      });
      if (membership.role !== change.role) {
        await audit(ctx, {
          organizationId: organization._id,
          actor: { type: "system" },
          action: "member.role_changed",
          targetId: user.externalId,
          details: { from: membership.role, to: change.role },
        });
      }
    } else {
      await ctx.db.insert("memberships", {
        organizationId: organization._id,
        userId: user._id,
        role: change.role,
        syncedAt: change.syncedAt,
      });
      await recordUsage(ctx, organization._id, "seats", 1);
      await audit(ctx, {
        organizationId: organization._id,
        actor: { type: "system" },
        action: "member.added",
        targetId: user.externalId,
        details: { role: change.role },
      });
    }
    outcome = "applied";
  }
  if (removal && outcome === "applied") await ctx.db.delete("membershipRemovals", removal._id);
  return outcome;
}

async function removeMembership(
  ctx: MutationCtx,
  change: Extract<ClerkChange, { kind: "membershipDeleted" }>,
) {
  const organization = await findOrganization(ctx, change.organizationExternalId);
  if (!organization) return "ignored: unknown organization";
  const users = await usersByExternalId(ctx, change.userExternalId);
  for (const user of users) {
    const membership = await membershipOf(ctx, organization._id, user._id);
    if (!membership) continue;
    if (membership.syncedAt !== undefined && change.syncedAt < membership.syncedAt) return "stale";
    await ctx.db.delete("memberships", membership._id);
    await recordUsage(ctx, organization._id, "seats", -1);
    await audit(ctx, {
      organizationId: organization._id,
      actor: { type: "system" },
      action: "member.removed",
      targetId: user.externalId,
      details: { role: membership.role },
    });
  }
  await recordRemoval(ctx, organization._id, change.userExternalId, change.syncedAt);
  return "applied";
}
