import { v } from "convex/values";

import { audit } from "../lib/audit";
import { memberMutation, orgQuery } from "../lib/functions";
import { PLANS, subscriptionOf } from "../lib/plans";
import { appError } from "../lib/errors";
import { ensureOrganization, findOrganization, removalOf } from "../lib/organizations";
import { recordUsage } from "../lib/usage";
import { LIMITS, vMemberRole, vPlan, vSubscriptionStatus } from "../lib/validators";

const vCurrent = v.object({
  organizationId: v.string(),
  name: v.string(),
  role: vMemberRole,
  plan: vPlan,
  /** For every member's past-due banner: the plan falls back to free at `graceEndsAt`. */
  /** What the plan includes, for the dashboard's gating (a convenience: the backend enforces it). */
  features: v.object({ voice: v.boolean(), outboundWebhooks: v.boolean(), apiKeys: v.boolean() }),
  billing: v.object({ status: vSubscriptionStatus, graceEndsAt: v.optional(v.number()) }),
  user: v.object({ name: v.optional(v.string()), email: v.optional(v.string()) }),
});

/**
 * Called by the dashboard on every sign-in: creates the organization the
 * token names on first use (with its free plan and default widget), records
 * the user and mirrors their role from the token. Idempotent.
 */
export const bootstrap = memberMutation({
  args: { name: v.optional(v.string()) },
  limits: { name: LIMITS.name },
  returns: v.object({ organizationId: v.string(), role: vMemberRole, created: v.boolean() }),
  handler: async (ctx, args) => {
    const { identity, claims } = ctx;

    const created = (await findOrganization(ctx, claims.orgExternalId)) === null;
    const organization = await ensureOrganization(
      ctx,
      claims.orgExternalId,
      claims.orgName ?? args.name,
      claims.orgSlug,
    );
    if (organization.deletedAt !== undefined) {
      throw appError("FORBIDDEN", "This organization has been deleted.");
    }
    // Once Clerk's webhooks keep the name, they are its authority, not a token's claims.
    if (
      !created &&
      organization.syncedAt === undefined &&
      claims.orgName &&
      claims.orgName !== organization.name
    ) {
      await ctx.db.patch("organizations", organization._id, { name: claims.orgName });
    }

    const profile = {
      externalId: identity.subject,
      name: identity.name,
      email: identity.email,
      imageUrl: identity.pictureUrl,
    };
    let user = await ctx.db
      .query("users")
      .withIndex("by_token_identifier", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
      .unique();
    if (user) {
      await ctx.db.patch("users", user._id, profile);
    } else {
      user = (await ctx.db.get(
        "users",
        await ctx.db.insert("users", { tokenIdentifier: identity.tokenIdentifier, ...profile }),
      ))!;
    }

    const membership = await ctx.db
      .query("memberships")
      .withIndex("by_organization_id_and_user_id", (q) =>
        q.eq("organizationId", organization._id).eq("userId", user._id),
      )
      .unique();
    if (!membership) {
      // A removed member's token stays valid for a while: it must not bring them back.
      if (await removalOf(ctx, organization._id, user.externalId)) {
        throw appError("FORBIDDEN", "You are no longer a member of this organization.");
      }
      await ctx.db.insert("memberships", {
        organizationId: organization._id,
        userId: user._id,
        role: claims.role,
      });
      await recordUsage(ctx, organization._id, "seats", 1);
    } else if (membership.syncedAt === undefined && membership.role !== claims.role) {
      // Roles set by Clerk's webhooks or an admin (`syncedAt`) are not overwritten by a
      // token that may predate them; until then the claims keep the row in step.
      await ctx.db.patch("memberships", membership._id, { role: claims.role });
    }

    if (created) {
      await audit(ctx, {
        organizationId: organization._id,
        actor: { type: "user", userId: user._id },
        action: "organization.created",
        targetId: organization.externalId,
      });
    }
    return { organizationId: organization.externalId, role: claims.role, created };
  },
});

/** The signed-in member's organization, role and plan. */
export const current = orgQuery({
  args: {},
  returns: vCurrent,
  handler: async (ctx) => {
    const subscription = await subscriptionOf(ctx, ctx.organizationId);
    return {
      organizationId: ctx.organization.externalId,
      name: ctx.organization.name,
      role: ctx.role,
      plan: subscription?.plan ?? "free",
      features: { ...PLANS[subscription?.plan ?? "free"].features },
      billing: {
        status: subscription?.status ?? "active",
        graceEndsAt: subscription?.status === "past_due" ? subscription.graceEndsAt : undefined,
      },
      user: { name: ctx.user.name, email: ctx.user.email },
    };
  },
});
