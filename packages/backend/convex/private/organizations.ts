import { v } from "convex/values";

import { audit } from "../lib/audit";
import { memberMutation, orgQuery } from "../lib/functions";
import { currentPlan } from "../lib/plans";
import { ensureWidgetSettings } from "../lib/widgetDefaults";
import { LIMITS, vMemberRole, vPlan } from "../lib/validators";

const vCurrent = v.object({
  organizationId: v.string(),
  name: v.string(),
  role: vMemberRole,
  plan: vPlan,
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
    const now = Date.now();

    let organization = await ctx.db
      .query("organizations")
      .withIndex("by_external_id", (q) => q.eq("externalId", claims.orgExternalId))
      .unique();
    const created = organization === null;
    if (!organization) {
      const name = claims.orgName ?? args.name?.trim() ?? "My organization";
      const id = await ctx.db.insert("organizations", {
        externalId: claims.orgExternalId,
        name: name.length > 0 ? name : "My organization",
        slug: claims.orgSlug,
      });
      await ctx.db.insert("subscriptions", {
        organizationId: id,
        plan: "free",
        status: "active",
        updatedAt: now,
      });
      organization = (await ctx.db.get("organizations", id))!;
    } else if (claims.orgName && claims.orgName !== organization.name) {
      await ctx.db.patch("organizations", organization._id, { name: claims.orgName });
    }
    await ensureWidgetSettings(ctx, organization._id);

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
      await ctx.db.insert("memberships", {
        organizationId: organization._id,
        userId: user._id,
        role: claims.role,
      });
    } else if (membership.role !== claims.role) {
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
    return {
      organizationId: ctx.organization.externalId,
      name: ctx.organization.name,
      role: ctx.role,
      plan: await currentPlan(ctx, ctx.organizationId),
      user: { name: ctx.user.name, email: ctx.user.email },
    };
  },
});
