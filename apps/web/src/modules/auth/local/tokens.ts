/**
 * Tokens of the local identity provider. Server-only.
 *
 * - The access token Convex verifies: RS256, `aud` "convex", one hour, with
 *   the same claims Clerk's `convex` JWT template carries (see
 *   packages/backend/README.md, "Identity claims").
 * - The session cookie: the same key, its own audience, seven days. It only
 *   names the user and organization; the role is looked up again each time.
 */
import { jwtVerify, SignJWT } from "jose";

import type { LocalOrganization, LocalRole, LocalUser } from "./directory";
import type { SigningKey } from "./keys";

export const CONVEX_AUDIENCE = "convex";
const SESSION_AUDIENCE = "parley-local-session";
export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

export async function signAccessToken(
  key: SigningKey,
  issuer: string,
  member: { user: LocalUser; organization: LocalOrganization; role: LocalRole },
): Promise<string> {
  return await new SignJWT({
    name: member.user.name,
    email: member.user.email,
    org_id: member.organization.id,
    org_role: member.role === "admin" ? "org:admin" : "org:member",
    org_slug: member.organization.slug,
    org_name: member.organization.name,
  })
    .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setSubject(member.user.id)
    .setAudience(CONVEX_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(key.privateKey);
}

export async function signSession(
  key: SigningKey,
  issuer: string,
  userId: string,
  organizationId: string,
) {
  return await new SignJWT({ org: organizationId })
    .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid })
    .setIssuer(issuer)
    .setSubject(userId)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
    .sign(key.privateKey);
}

/** The session a cookie carries, or null if it is missing, forged or expired. */
export async function readSession(key: SigningKey, issuer: string, cookie: string | undefined) {
  if (!cookie) return null;
  try {
    const { payload } = await jwtVerify(cookie, key.publicKey, {
      issuer,
      audience: SESSION_AUDIENCE,
      algorithms: ["RS256"],
    });
    if (typeof payload.sub !== "string" || typeof payload.org !== "string") return null;
    return { userId: payload.sub, organizationId: payload.org };
  } catch {
    return null;
  }
}
