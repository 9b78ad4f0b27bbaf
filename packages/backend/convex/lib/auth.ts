/**
 * Reading who is calling from the identity token.
 *
 * The organization and role come from token claims, never from arguments.
 * Two claim layouts are accepted, so either Clerk setup works:
 * - a Clerk JWT template named `convex` with
 *   `{"org_id": "{{org.id}}", "org_role": "{{org.role}}", "org_slug": "{{org.slug}}", "org_name": "{{org.name}}"}`
 *   (what docs/auth.md describes, and what the local issuer emits);
 * - Clerk session token v2, whose `o` claim is `{ id, rol, slg }`.
 */
import type { UserIdentity } from "convex/server";

import type { MemberRole } from "./validators";

export type OrgClaims = {
  orgExternalId: string;
  role: MemberRole;
  orgName?: string;
  orgSlug?: string;
};

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Clerk roles are `org:admin` / `org:member` (templates) or `admin` / `member`
 * (session token v2). Admins administer; every other role works the inbox as an
 * operator, so an unknown custom role never gains admin rights.
 */
export function toMemberRole(role: string | undefined): MemberRole {
  const bare = role?.replace(/^org:/, "");
  return bare === "admin" ? "admin" : "operator";
}

/** The organization the token is acting for, or null when it names none. */
export function readOrgClaims(identity: UserIdentity): OrgClaims | null {
  const compact = identity.o;
  const o =
    typeof compact === "object" && compact !== null && !Array.isArray(compact) ? compact : {};
  // Convex flattens nested claims of customJwt providers into dotted keys ("o.id").
  const compactClaim = (key: string) => str(o[key]) ?? str(identity[`o.${key}`]);
  const orgExternalId = str(identity.org_id) ?? compactClaim("id");
  if (!orgExternalId) return null;
  return {
    orgExternalId,
    role: toMemberRole(str(identity.org_role) ?? compactClaim("rol")),
    orgName: str(identity.org_name),
    orgSlug: str(identity.org_slug) ?? compactClaim("slg"),
  };
}
