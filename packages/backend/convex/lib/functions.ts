/**
 * The only function builders `public/` and `private/` may use (a lint rule
 * forbids the raw ones there). Each one authenticates the caller and puts the
 * caller's organization on `ctx`, so a handler can never act for an
 * organization the caller does not belong to.
 *
 * - `widgetQuery` / `widgetMutation` (public/): anonymous widget calls for one
 *   organization, named by its public id; no visitor session yet.
 * - `visitorQuery` / `visitorMutation` (public/): a visitor holding a session
 *   token; the organization is the session's. Mutations slide the session's
 *   expiry (`lib/sessions.ts`).
 * - `memberMutation` (private/): a signed-in user whose token names an
 *   organization, before that organization exists here (bootstrap only).
 * - `orgQuery` / `orgMutation` / `orgAction` (private/): a member of an
 *   existing organization, optionally with a required role: `orgMutation({ role: "admin", … })`.
 *
 * Every builder also enforces `lib/inputLimits.ts` (pass `limits` to allow a
 * longer string argument) and bounds a `paginationOpts` argument's page size
 * (`lib/pagination.ts`).
 */
import type { UserIdentity } from "convex/server";
import { v } from "convex/values";
import { customAction, customMutation, customQuery } from "convex-helpers/server/customFunctions";

import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import { action, mutation, query, type QueryCtx } from "../_generated/server";
import { readOrgClaims, type OrgClaims } from "./auth";
import { appError } from "./errors";
import { assertInputLimits, type InputLimits } from "./inputLimits";
import { removalOf } from "./organizations";
import { withBoundedPage } from "./pagination";
import { extendSession } from "./sessions";
import { hashToken } from "./tokens";
import { LIMITS, type MemberRole } from "./validators";

type Limits = { limits?: InputLimits };
type RoleOption = Limits & { role?: MemberRole };

/**
 * Wrap a custom builder so every function made with it checks its argument
 * sizes first and gets its page size bounded. The `limits` option is consumed
 * here and never reaches Convex.
 */
function withInputLimits<Builder>(builder: Builder): Builder {
  const wrapped = (definition: unknown) => {
    if (typeof definition !== "object" || definition === null || !("args" in definition)) {
      throw new Error(
        "Parley functions must declare `args` (and `returns` in public/ and private/).",
      );
    }
    const { limits, handler, ...rest } = definition as unknown as Limits & {
      handler: (ctx: unknown, args: Record<string, unknown>) => unknown;
    };
    return (builder as (definition: unknown) => unknown)({
      ...rest,
      handler: (ctx: unknown, args: Record<string, unknown>) => {
        assertInputLimits(args, limits);
        return handler(ctx, withBoundedPage(args));
      },
    });
  };
  return wrapped as Builder;
}

// ---------------------------------------------------------------------------
// Dashboard members (private/)

async function requireIdentity(
  ctx: QueryCtx,
): Promise<{ identity: UserIdentity; claims: OrgClaims }> {
  const identity = await ctx.auth.getUserIdentity();
  if (!identity) throw appError("UNAUTHENTICATED", "Please sign in.");
  const claims = readOrgClaims(identity);
  if (!claims) {
    throw appError("FORBIDDEN", "Select an organization to continue.");
  }
  return { identity, claims };
}

const ROLE_RANK: Record<MemberRole, number> = { operator: 0, admin: 1 };

/**
 * Resolve the caller's organization from the token's claims (never from
 * arguments) and check the role the function requires.
 *
 * Security: a token stays valid for its lifetime after the identity provider
 * removes a member or lowers their role, so the stored membership is checked
 * as well as the claims. Where a membership row exists, the lower of the two
 * roles applies; where the member was removed (`membershipRemovals`, written
 * by Clerk's webhook or an admin), the token is refused. Without either (a
 * first sign-in, before `organizations.bootstrap`), the claims decide.
 */
export async function requireMember(ctx: QueryCtx, role: MemberRole | undefined) {
  const { identity, claims } = await requireIdentity(ctx);
  const organization = await ctx.db
    .query("organizations")
    .withIndex("by_external_id", (q) => q.eq("externalId", claims.orgExternalId))
    .unique();
  if (!organization) {
    throw appError("NOT_FOUND", "This organization is not set up yet. Reload to finish setup.");
  }
  if (organization.deletedAt !== undefined) {
    throw appError("FORBIDDEN", "This organization has been deleted.");
  }
  const user = await ctx.db
    .query("users")
    .withIndex("by_token_identifier", (q) => q.eq("tokenIdentifier", identity.tokenIdentifier))
    .unique();
  if (!user) {
    throw appError("NOT_FOUND", "Your account is not set up yet. Reload to finish setup.");
  }
  const membership = await ctx.db
    .query("memberships")
    .withIndex("by_organization_id_and_user_id", (q) =>
      q.eq("organizationId", organization._id).eq("userId", user._id),
    )
    .unique();
  let effectiveRole = claims.role;
  if (membership) {
    if (ROLE_RANK[membership.role] < ROLE_RANK[effectiveRole]) effectiveRole = membership.role;
  } else if (await removalOf(ctx, organization._id, user.externalId)) {
    throw appError("FORBIDDEN", "You are no longer a member of this organization.");
  }
  if (role && ROLE_RANK[effectiveRole] < ROLE_RANK[role]) {
    throw appError("FORBIDDEN", `Only an organization ${role} can do this.`);
  }
  return {
    identity,
    claims,
    organization,
    organizationId: organization._id,
    user,
    role: effectiveRole,
  };
}

export const memberMutation = withInputLimits(
  customMutation(mutation, {
    args: {},
    input: async (ctx, _args, _options: Limits) => ({ ctx: await requireIdentity(ctx), args: {} }),
  }),
);

export const orgQuery = withInputLimits(
  customQuery(query, {
    args: {},
    input: async (ctx, _args, { role }: RoleOption) => ({
      ctx: await requireMember(ctx, role),
      args: {},
    }),
  }),
);

export const orgMutation = withInputLimits(
  customMutation(mutation, {
    args: {},
    input: async (ctx, _args, { role }: RoleOption) => ({
      ctx: await requireMember(ctx, role),
      args: {},
    }),
  }),
);

/** Who an `orgAction` runs for: actions cannot read the database, so a query resolves it. */
export type ActionMember = {
  organizationId: Id<"organizations">;
  userId: Id<"users">;
  userName: string;
  role: MemberRole;
};

/**
 * Actions for members (private/), e.g. drafting a reply with the agent. The
 * caller's identity travels with `runQuery`, so `system/members.current`
 * checks it exactly as `orgQuery` does.
 */
export const orgAction = withInputLimits(
  customAction(action, {
    args: {},
    input: async (ctx, _args, { role }: RoleOption) => {
      const member: ActionMember = await ctx.runQuery(internal.system.members.current, {
        ...(role ? { role } : {}),
      });
      return { ctx: member, args: {} };
    },
  }),
);

// ---------------------------------------------------------------------------
// Widget visitors (public/)

async function requireOrganization(
  ctx: QueryCtx,
  organizationId: string,
): Promise<Doc<"organizations">> {
  assertInputLimits({ organizationId }, { organizationId: LIMITS.organizationId });
  const organization = await ctx.db
    .query("organizations")
    .withIndex("by_external_id", (q) => q.eq("externalId", organizationId))
    .unique();
  // A deleted organization's widget stops at once (its data is purged later).
  if (!organization || organization.deletedAt !== undefined) {
    throw appError("NOT_FOUND", "This support widget is not configured.");
  }
  return organization;
}

/** Anonymous widget calls for the organization named by its public id. */
const widgetArgs = { organizationId: v.string() };

export const widgetQuery = withInputLimits(
  customQuery(query, {
    args: widgetArgs,
    input: async (ctx, { organizationId }, _options: Limits) => ({
      ctx: { organization: await requireOrganization(ctx, organizationId) },
      args: {},
    }),
  }),
);

export const widgetMutation = withInputLimits(
  customMutation(mutation, {
    args: widgetArgs,
    input: async (ctx, { organizationId }, _options: Limits) => ({
      ctx: { organization: await requireOrganization(ctx, organizationId) },
      args: {},
    }),
  }),
);

/**
 * Look up a visitor session by its token. Returns null for a token that is
 * unknown or expired; callers decide whether that is an error.
 *
 * Queries pass no `now`: they go by the stored `expired` marker only, since a
 * cached query result is not re-run as time passes (`lib/sessions.ts`).
 * Mutations are never cached and pass the clock, which also refuses a session
 * in the moment between its expiry and its expiry job.
 */
export async function findSession(
  ctx: QueryCtx,
  sessionToken: string,
  now?: number,
): Promise<Doc<"contactSessions"> | null> {
  if (sessionToken.length === 0 || sessionToken.length > LIMITS.sessionToken) return null;
  const tokenHash = await hashToken(sessionToken);
  const session = await ctx.db
    .query("contactSessions")
    .withIndex("by_token_hash", (q) => q.eq("tokenHash", tokenHash))
    .unique();
  if (!session || session.expired) return null;
  if (now !== undefined && session.expiresAt <= now) return null;
  return session;
}

async function requireSession(ctx: QueryCtx, sessionToken: string, now?: number) {
  assertInputLimits({ sessionToken }, { sessionToken: LIMITS.sessionToken });
  const session = await findSession(ctx, sessionToken, now);
  if (!session) {
    throw appError("INVALID_SESSION", "Your chat session has expired. Please start a new chat.");
  }
  const organization = await ctx.db.get("organizations", session.organizationId);
  if (!organization || organization.deletedAt !== undefined) {
    throw appError("NOT_FOUND", "This support widget is not configured.");
  }
  return { session, organizationId: session.organizationId };
}

/** Calls from a visitor holding a session token; the organization is the session's. */
const visitorArgs = { sessionToken: v.string() };

export const visitorQuery = withInputLimits(
  customQuery(query, {
    args: visitorArgs,
    input: async (ctx, { sessionToken }, _options: Limits) => ({
      ctx: await requireSession(ctx, sessionToken),
      args: {},
    }),
  }),
);

/** Also slides the session's expiry: a visitor who keeps chatting keeps their session. */
export const visitorMutation = withInputLimits(
  customMutation(mutation, {
    args: visitorArgs,
    input: async (ctx, { sessionToken }, _options: Limits) => {
      const now = Date.now();
      const { session, organizationId } = await requireSession(ctx, sessionToken, now);
      const expiresAt = await extendSession(ctx, session, now);
      return { ctx: { session: { ...session, expiresAt }, organizationId }, args: {} };
    },
  }),
);
