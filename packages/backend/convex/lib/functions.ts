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
 * (`lib/pagination.ts`), and refuses a definition without `args` and `returns`.
 *
 * Tenancy is structural: the `ctx.db` every builder hands its handler is
 * wrapped with the row-level rules of `lib/tenancy.ts`, so another
 * organization's document can be neither read nor written through it, even by
 * id. The builders' own lookups (who is calling, which session) run before
 * that, on the unwrapped database, since they establish the tenant. A handler
 * that must read across organizations on purpose uses `ctx.unscopedDb`
 * (read-only), which lint flags so each use carries a comment saying why.
 */
import type { UserIdentity } from "convex/server";
import { v } from "convex/values";
import { customAction, customMutation, customQuery } from "convex-helpers/server/customFunctions";

import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import {
  action,
  mutation,
  query,
  type DatabaseReader,
  type MutationCtx,
  type QueryCtx,
} from "../_generated/server";
import { readOrgClaims, type OrgClaims } from "./auth";
import { appError } from "./errors";
import { assertInputLimits, type InputLimits } from "./inputLimits";
import { removalOf } from "./organizations";
import { withBoundedPage } from "./pagination";
import { extendSession } from "./sessions";
import { scopedReader, scopedWriter, tenantScope, type TenantScope } from "./tenancy";
import { hashToken } from "./tokens";
import { LIMITS, type MemberRole } from "./validators";

type Limits = { limits?: InputLimits };
type RoleOption = Limits & { role?: MemberRole };

/**
 * Where a builder was called from (`private/members.ts:42`), to name the
 * function a refused definition belongs to: at definition time it has no
 * other name yet.
 */
function definitionSite(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const caller = frames.find((frame) => !frame.includes("lib/functions"));
  const site = caller?.match(/((?:public|private|system|lib)\/[\w./-]+:\d+)/)?.[1];
  return site ?? caller?.trim() ?? "an unknown module";
}

/**
 * Wrap a custom builder so every function made with it declares `args` and
 * `returns` (a client-callable function must never return more than it says,
 * e.g. a document with a secret in it), checks its argument sizes first and
 * gets its page size bounded. The `limits` option is consumed here and never
 * reaches Convex.
 */
function withInputLimits<Builder>(builder: Builder): Builder {
  const wrapped = (definition: unknown) => {
    for (const field of ["args", "returns"]) {
      if (typeof definition !== "object" || definition === null || !(field in definition)) {
        throw new Error(
          `The function defined at ${definitionSite()} has no \`${field}\` validator: ` +
            "every public/ and private/ function declares `args` and `returns`.",
        );
      }
    }
    const { limits, handler, ...rest } = definition as Limits & {
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

/**
 * The database a handler gets: `db` wrapped with the caller's row-level
 * rules, and `unscopedDb`, the unwrapped reader, for the few deliberate
 * lookups across organizations (lint asks each use to say why).
 */
function scopedDatabases(ctx: QueryCtx, scope: Omit<TenantScope, "db" | "memo">) {
  return {
    db: scopedReader(tenantScope(ctx.db, scope)),
    unscopedDb: ctx.db,
  };
}

function scopedWritableDatabases(ctx: MutationCtx, scope: Omit<TenantScope, "db" | "memo">) {
  return {
    db: scopedWriter(ctx.db, tenantScope(ctx.db, scope)),
    unscopedDb: ctx.db as DatabaseReader,
  };
}

/** A member's scope: their organization, and their own `users` row. */
function memberScope(member: { organizationId: Id<"organizations">; identity: UserIdentity }) {
  return {
    organizationId: member.organizationId,
    tokenIdentifier: member.identity.tokenIdentifier,
  };
}

/**
 * `bootstrap` only: the organization may not exist yet, so its rules go by the
 * organization's public id from the token's claims.
 */
export const memberMutation = withInputLimits(
  customMutation(mutation, {
    args: {},
    input: async (ctx, _args, _options: Limits) => {
      const member = await requireIdentity(ctx);
      return {
        ctx: {
          ...member,
          ...scopedWritableDatabases(ctx, {
            organizationId: null,
            orgExternalId: member.claims.orgExternalId,
            tokenIdentifier: member.identity.tokenIdentifier,
          }),
        },
        args: {},
      };
    },
  }),
);

export const orgQuery = withInputLimits(
  customQuery(query, {
    args: {},
    input: async (ctx, _args, { role }: RoleOption) => {
      const member = await requireMember(ctx, role);
      return { ctx: { ...member, ...scopedDatabases(ctx, memberScope(member)) }, args: {} };
    },
  }),
);

export const orgMutation = withInputLimits(
  customMutation(mutation, {
    args: {},
    input: async (ctx, _args, { role }: RoleOption) => {
      const member = await requireMember(ctx, role);
      return {
        ctx: { ...member, ...scopedWritableDatabases(ctx, memberScope(member)) },
        args: {},
      };
    },
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
    input: async (ctx, { organizationId }, _options: Limits) => {
      const organization = await requireOrganization(ctx, organizationId);
      return {
        ctx: { organization, ...scopedDatabases(ctx, { organizationId: organization._id }) },
        args: {},
      };
    },
  }),
);

export const widgetMutation = withInputLimits(
  customMutation(mutation, {
    args: widgetArgs,
    input: async (ctx, { organizationId }, _options: Limits) => {
      const organization = await requireOrganization(ctx, organizationId);
      return {
        ctx: {
          organization,
          ...scopedWritableDatabases(ctx, { organizationId: organization._id }),
        },
        args: {},
      };
    },
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

/** Visitors' rules also narrow session-owned rows (conversations, messages, …) to their session. */
export const visitorQuery = withInputLimits(
  customQuery(query, {
    args: visitorArgs,
    input: async (ctx, { sessionToken }, _options: Limits) => {
      const { session, organizationId } = await requireSession(ctx, sessionToken);
      return {
        ctx: { session, organizationId, ...scopedDatabases(ctx, { organizationId, session }) },
        args: {},
      };
    },
  }),
);

/** Also slides the session's expiry: a visitor who keeps chatting keeps their session. */
export const visitorMutation = withInputLimits(
  customMutation(mutation, {
    args: visitorArgs,
    input: async (ctx, { sessionToken }, _options: Limits) => {
      const now = Date.now();
      const found = await requireSession(ctx, sessionToken, now);
      const expiresAt = await extendSession(ctx, found.session, now);
      const session = { ...found.session, expiresAt };
      const organizationId = found.organizationId;
      return {
        ctx: {
          session,
          organizationId,
          ...scopedWritableDatabases(ctx, { organizationId, session }),
        },
        args: {},
      };
    },
  }),
);
