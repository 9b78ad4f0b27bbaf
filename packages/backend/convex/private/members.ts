import { v } from "convex/values";

import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "../lib/audit";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { clearRemoval, recordRemoval } from "../lib/organizations";
import { currentPlan, requireQuota } from "../lib/plans";
import { recordUsage, usageOf } from "../lib/usage";
import { LIMITS, vMemberRole, type MemberRole } from "../lib/validators";

/**
 * The organization's members as the dashboard's Members page shows them.
 *
 * These rows mirror the identity provider (Clerk's webhooks, or the local
 * directory). Who may do what is decided from the caller's token *and* this
 * row (`lib/functions.ts`): a removal or a lowered role here takes effect at
 * once, even while the member's token still says otherwise. `organizations.bootstrap` keeps the
 * caller's own row in step on every sign-in; `add`, `changeRole` and
 * `remove` mirror a change the dashboard has just made in the local
 * directory, so the list shows it at once.
 */

/** The most members the page lists; far above what a support team has. */
export const MAX_MEMBERS = 200;

const vMember = v.object({
  membershipId: v.id("memberships"),
  userId: v.id("users"),
  /** The identity provider's user id (the token's subject). */
  externalId: v.string(),
  name: v.optional(v.string()),
  email: v.optional(v.string()),
  imageUrl: v.optional(v.string()),
  role: vMemberRole,
  isYou: v.boolean(),
});

/** Whether the organization has at most one admin (read through the role index: two rows at most). */
async function hasSoleAdmin(ctx: QueryCtx, organizationId: Id<"organizations">) {
  const admins = await ctx.db
    .query("memberships")
    .withIndex("by_organization_id_and_role", (q) =>
      q.eq("organizationId", organizationId).eq("role", "admin"),
    )
    .take(2);
  return admins.length < 2;
}

const soleAdminMessage = (name: string) =>
  `${name} is the organization's only admin. Make someone else an admin first.`;

/** The membership, if it is in the caller's organization; another organization's is "not found". */
async function membershipInOrganization(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  membershipId: Id<"memberships">,
): Promise<Doc<"memberships">> {
  const membership = await ctx.db.get("memberships", membershipId);
  if (!membership || membership.organizationId !== organizationId) {
    throw appError("NOT_FOUND", "This member is not in your organization.");
  }
  return membership;
}

async function displayName(ctx: QueryCtx, userId: Id<"users">) {
  const user = await ctx.db.get("users", userId);
  return user?.name ?? user?.email ?? "This member";
}

export const list = orgQuery({
  args: {},
  returns: v.object({
    members: v.array(vMember),
    /** More members exist than the page lists. */
    more: v.boolean(),
    /** Only one admin is left: they can be neither demoted nor removed. */
    soleAdmin: v.boolean(),
  }),
  handler: async (ctx) => {
    const rows = await ctx.db
      .query("memberships")
      .withIndex("by_organization_id_and_user_id", (q) =>
        q.eq("organizationId", ctx.organizationId),
      )
      .take(MAX_MEMBERS + 1);
    const members = [];
    for (const membership of rows.slice(0, MAX_MEMBERS)) {
      const user = await ctx.db.get("users", membership.userId);
      if (!user) continue;
      members.push({
        membershipId: membership._id,
        userId: user._id,
        externalId: user.externalId,
        name: user.name,
        email: user.email,
        imageUrl: user.imageUrl,
        role: membership.role,
        isYou: user._id === ctx.user._id,
      });
    }
    // Admins first, then by name: the order people look for.
    members.sort(
      (a, b) =>
        Number(b.role === "admin") - Number(a.role === "admin") ||
        (a.name ?? a.email ?? "").localeCompare(b.name ?? b.email ?? ""),
    );
    return {
      members,
      more: rows.length > MAX_MEMBERS,
      soleAdmin: await hasSoleAdmin(ctx, ctx.organizationId),
    };
  },
});

/**
 * Mirror a member the identity provider has just added (the local directory;
 * Clerk's own UI in Clerk mode), so the list shows them before their first
 * sign-in. Idempotent: an existing membership takes the given role.
 */
export const add = orgMutation({
  role: "admin",
  args: { externalId: v.string(), name: v.string(), email: v.string(), role: vMemberRole },
  limits: { externalId: LIMITS.externalId, name: LIMITS.name, email: LIMITS.email },
  returns: v.id("memberships"),
  handler: async (ctx, args) => {
    const externalId = args.externalId.trim();
    const name = args.name.trim();
    const email = args.email.trim().toLowerCase();
    if (!externalId || !name || !email) {
      throw appError("INVALID_INPUT", "A member needs an id, a name and an email.");
    }
    // The same issuer signs the new member's tokens, so this is the identifier
    // their first sign-in (organizations.bootstrap) will find.
    const tokenIdentifier = `${ctx.identity.issuer}|${externalId}`;
    // Across organizations on purpose: a person has one `users` row however many
    // organizations they belong to, so an existing account is linked, not duplicated
    // (the email check below keeps this from revealing anyone).
    // eslint-disable-next-line no-restricted-properties
    let user = await ctx.unscopedDb
      .query("users")
      .withIndex("by_token_identifier", (q) => q.eq("tokenIdentifier", tokenIdentifier))
      .unique();
    if (user) {
      // Users are shared across organizations: never rename one from here, and
      // only link an account whose email the admin already knows, so an admin
      // cannot look up another organization's people by guessing ids.
      if (user.email?.toLowerCase() !== email) {
        throw appError("CONFLICT", "That account belongs to someone with another email.");
      }
    } else {
      const id = await ctx.db.insert("users", { tokenIdentifier, externalId, name, email });
      // The row just inserted: not yet a member, so the scoped reader would not show it.
      // eslint-disable-next-line no-restricted-properties
      user = (await ctx.unscopedDb.get("users", id))!;
    }

    const existing = await ctx.db
      .query("memberships")
      .withIndex("by_organization_id_and_user_id", (q) =>
        q.eq("organizationId", ctx.organizationId).eq("userId", user._id),
      )
      .unique();
    if (existing) {
      if (existing.role !== args.role) {
        if (existing.role === "admin" && (await hasSoleAdmin(ctx, ctx.organizationId))) {
          throw appError("CONFLICT", soleAdminMessage(user.name ?? email));
        }
        await ctx.db.patch("memberships", existing._id, { role: args.role, syncedAt: Date.now() });
        await auditRoleChange(ctx, ctx.user, existing, args.role);
      }
      return existing._id;
    }
    // Seats: the plan's member limit, recorded on the organization when the plan changes.
    const plan = await currentPlan(ctx, ctx.organizationId);
    const { seats } = await usageOf(ctx, ctx.organizationId);
    requireQuota(plan, "seats", seats, 1, "seats", ctx.organization.memberLimit);
    const membershipId = await ctx.db.insert("memberships", {
      organizationId: ctx.organizationId,
      userId: user._id,
      role: args.role,
      syncedAt: Date.now(),
    });
    await recordUsage(ctx, ctx.organizationId, "seats", 1);
    await clearRemoval(ctx, ctx.organizationId, user.externalId);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "member.added",
      targetId: user.externalId,
      details: { role: args.role },
    });
    return membershipId;
  },
});

async function auditRoleChange(
  ctx: MutationCtx,
  actor: Doc<"users">,
  membership: Doc<"memberships">,
  role: MemberRole,
) {
  const target = await ctx.db.get("users", membership.userId);
  await audit(ctx, {
    organizationId: membership.organizationId,
    actor: { type: "user", userId: actor._id },
    action: "member.role_changed",
    targetId: target?.externalId,
    details: { from: membership.role, to: role },
  });
}

/** Make a member an admin or an operator. The last admin cannot be demoted. */
export const changeRole = orgMutation({
  role: "admin",
  args: { membershipId: v.id("memberships"), role: vMemberRole },
  returns: v.null(),
  handler: async (ctx, args) => {
    const membership = await membershipInOrganization(ctx, ctx.organizationId, args.membershipId);
    if (membership.role === args.role) return null;
    if (membership.role === "admin" && (await hasSoleAdmin(ctx, ctx.organizationId))) {
      throw appError("CONFLICT", soleAdminMessage(await displayName(ctx, membership.userId)));
    }
    await ctx.db.patch("memberships", membership._id, { role: args.role, syncedAt: Date.now() });
    await auditRoleChange(ctx, ctx.user, membership, args.role);
    return null;
  },
});

/** Remove a member from the organization. Nobody removes themselves, and the last admin stays. */
export const remove = orgMutation({
  role: "admin",
  args: { membershipId: v.id("memberships") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const membership = await membershipInOrganization(ctx, ctx.organizationId, args.membershipId);
    if (membership.userId === ctx.user._id) {
      throw appError("FORBIDDEN", "You cannot remove yourself. Ask another admin to do it.");
    }
    if (membership.role === "admin" && (await hasSoleAdmin(ctx, ctx.organizationId))) {
      throw appError("CONFLICT", soleAdminMessage(await displayName(ctx, membership.userId)));
    }
    const target = await ctx.db.get("users", membership.userId);
    await ctx.db.delete("memberships", membership._id);
    await recordUsage(ctx, ctx.organizationId, "seats", -1);
    // Their token stays valid for a while; this refuses it from now on.
    if (target) await recordRemoval(ctx, ctx.organizationId, target.externalId, Date.now());
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "member.removed",
      targetId: target?.externalId,
      details: { role: membership.role },
    });
    return null;
  },
});
