/**
 * Authentication the way a Convex deployment does it: a client's JWT is
 * checked against the providers in the app's `auth.config.ts` (signature,
 * issuer, audience = `applicationID`, expiry) with `jose`, and turned into
 * the `UserIdentity` functions read from `ctx.auth.getUserIdentity()`.
 *
 * The identity is built exactly as Convex builds it (see `UserIdentity` in
 * convex-backend's keybroker crate), because the backend's authorization
 * reads claims from it and must behave the same locally:
 * - `customJwt` providers: `subject`, `issuer`, `tokenIdentifier`, plus every
 *   non-registered claim as a custom claim, nested objects flattened to dotted
 *   keys (`{ o: { id } }` becomes `"o.id"`);
 * - OIDC providers (`domain`): the standard OpenID claims become typed fields
 *   (`given_name` → `givenName`, …) and the rest stay custom claims as they are.
 *
 * An admin key (if the runtime has one) authenticates a developer tool, which
 * may then call internal functions and act as any identity.
 */
import { readFile } from "node:fs/promises";
import { timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";

import type { AuthProvider, UserIdentity } from "convex/server";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";

import type { Caller } from "./engine.js";

/** A token was refused; `message` is what the client is told. */
export class AuthenticationError extends Error {
  override name = "AuthenticationError";
}

export type VerifiedUser = {
  caller: Caller;
  /** When the token stops being valid (ms since the epoch). */
  expiresAt: number;
};

/** Claims every JWT library parses itself (biscuit's registered claims): never custom claims. */
const REGISTERED_CLAIMS = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);

/** Claims Convex drops because they change on every refresh and would bust the query cache. */
const VOLATILE_CLAIMS = new Set(["fva"]);

/** OpenID standard claims → `UserIdentity` fields, for OIDC providers. */
const OIDC_STANDARD_CLAIMS: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  website: "websiteUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  address: "address",
  updated_at: "updatedAt",
};

/** ID-token fields the OIDC library consumes, so they never reach custom claims. */
const OIDC_PROTOCOL_CLAIMS = new Set([
  ...REGISTERED_CLAIMS,
  "auth_time",
  "nonce",
  "acr",
  "amr",
  "azp",
  "at_hash",
  "c_hash",
]);

function flattenClaims(claims: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      Object.assign(flat, flattenClaims(value as Record<string, unknown>, `${prefix}${key}.`));
    } else {
      flat[`${prefix}${key}`] = value;
    }
  }
  return flat;
}

/** The identity Convex derives from a verified custom JWT. */
export function customJwtIdentity(payload: JWTPayload): UserIdentity {
  const { iss, sub } = payload;
  if (!iss || !sub)
    throw new AuthenticationError("The token has no issuer (iss) or subject (sub).");
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (!REGISTERED_CLAIMS.has(key)) custom[key] = value;
  }
  const flat = flattenClaims(custom);
  for (const key of VOLATILE_CLAIMS) delete flat[key];
  return { ...flat, tokenIdentifier: `${iss}|${sub}`, subject: sub, issuer: iss };
}

/** chrono's `to_rfc3339()` for a UTC time: `2024-05-01T12:00:00+00:00`. */
function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

/** The identity Convex derives from a verified OIDC ID token. */
export function oidcIdentity(payload: JWTPayload): UserIdentity {
  const { iss, sub } = payload;
  if (!iss || !sub)
    throw new AuthenticationError("The token has no issuer (iss) or subject (sub).");
  const identity: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(payload)) {
    const field = OIDC_STANDARD_CLAIMS[claim];
    if (field) {
      if (claim === "updated_at" && typeof value === "number") identity[field] = rfc3339(value);
      else if (claim === "address" && typeof value === "object" && value !== null) {
        const formatted = (value as { formatted?: unknown }).formatted;
        if (typeof formatted === "string") identity[field] = formatted;
      } else identity[field] = value;
    } else if (!OIDC_PROTOCOL_CLAIMS.has(claim) && !VOLATILE_CLAIMS.has(claim)) {
      identity[claim] = value;
    }
  }
  return { ...identity, tokenIdentifier: `${iss}|${sub}`, subject: sub, issuer: iss };
}

/**
 * A key set from a provider's `jwks`: an http(s) URL (fetched and cached by
 * jose), a `data:` URI (how Convex's docs suggest avoiding a network call), or
 * a local file (`file://…` or an absolute path), handy offline.
 */
export function keySetFromJwks(jwks: string): JWTVerifyGetKey {
  if (/^https?:\/\//.test(jwks)) return createRemoteJWKSet(new URL(jwks));
  let loaded: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    let text: string;
    if (jwks.startsWith("data:")) {
      const comma = jwks.indexOf(",");
      if (comma === -1) throw new AuthenticationError("The provider's jwks data: URI has no data.");
      const meta = jwks.slice(5, comma);
      const data = jwks.slice(comma + 1);
      text = meta.endsWith(";base64")
        ? Buffer.from(data, "base64").toString("utf8")
        : decodeURIComponent(data);
    } else {
      const file = jwks.startsWith("file:") ? fileURLToPath(jwks) : jwks;
      text = await readFile(file, "utf8");
    }
    return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
  };
  return async (header, token) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return (await loaded)(header, token);
  };
}

type Verifier = {
  provider: AuthProvider;
  matches: (issuer: string) => boolean;
  verify: (token: string) => Promise<VerifiedUser>;
};

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

/** Why jose refused a token, in words a developer can act on. */
function explain(error: unknown, provider: AuthProvider): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new AuthenticationError("Token expired: its exp claim is in the past.");
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthenticationError(
      "Could not verify the token's signature with the provider's keys (JWKS).",
    );
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return new AuthenticationError(
      "No key in the provider's JWKS matches the token's kid and alg.",
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") {
      return new AuthenticationError(
        `The token's audience (aud) does not include the provider's applicationID "${provider.applicationID ?? ""}".`,
      );
    }
    return new AuthenticationError(
      `Could not verify the token's "${error.claim}" claim: ${error.reason}.`,
    );
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) {
    return new AuthenticationError(
      `The token's signing algorithm is not allowed: ${error.message}.`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AuthenticationError(`Could not verify the token: ${message}`);
}

function customJwtVerifier(provider: Extract<AuthProvider, { type: "customJwt" }>): Verifier {
  const keySet = keySetFromJwks(provider.jwks);
  return {
    provider,
    matches: (issuer) => issuer === provider.issuer,
    verify: async (token) => {
      try {
        // Convex needs a kid to pick the signing key; refuse tokens a deployment would refuse.
        if (!decodeProtectedHeader(token).kid) {
          throw new AuthenticationError("The token's header has no kid (key id).");
        }
        const { payload } = await jwtVerify(token, keySet, {
          issuer: provider.issuer,
          algorithms: [provider.algorithm],
          requiredClaims: ["sub", "exp"],
          ...(provider.applicationID ? { audience: provider.applicationID } : {}),
        });
        return {
          caller: { identity: customJwtIdentity(payload), admin: false },
          expiresAt: (payload.exp ?? 0) * 1000,
        };
      } catch (error) {
        throw explain(error, provider);
      }
    },
  };
}

function oidcVerifier(
  provider: Extract<AuthProvider, { domain: string }>,
  fetchImpl: typeof fetch,
): Verifier {
  const domain = withoutTrailingSlash(provider.domain);
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const response = await fetchImpl(`${domain}/.well-known/openid-configuration`);
    if (!response.ok) {
      throw new AuthenticationError(
        `Could not fetch ${domain}/.well-known/openid-configuration (HTTP ${response.status}).`,
      );
    }
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== "string") {
      throw new AuthenticationError(`${domain}'s OpenID configuration has no jwks_uri.`);
    }
    return createRemoteJWKSet(new URL(jwksUri));
  };
  return {
    provider,
    matches: (issuer) => withoutTrailingSlash(issuer) === domain,
    verify: async (token) => {
      try {
        keySet ??= discover().catch((error: unknown) => {
          keySet = undefined;
          throw error;
        });
        const { payload } = await jwtVerify(token, await keySet, {
          audience: provider.applicationID,
          algorithms: ["RS256"],
          requiredClaims: ["sub", "exp", "iss"],
        });
        return {
          caller: { identity: oidcIdentity(payload), admin: false },
          expiresAt: (payload.exp ?? 0) * 1000,
        };
      } catch (error) {
        throw explain(error, provider);
      }
    },
  };
}

/** Decode the identity an admin tool says it acts as (`UserIdentityAttributes`). */
export function impersonatedIdentity(attributes: Record<string, unknown>): UserIdentity {
  const { subject, issuer, tokenIdentifier } = attributes;
  const token =
    typeof tokenIdentifier === "string"
      ? tokenIdentifier
      : typeof issuer === "string" && typeof subject === "string"
        ? `${issuer}|${subject}`
        : undefined;
  if (!token) {
    throw new AuthenticationError(
      'An impersonated identity needs "tokenIdentifier", or "issuer" and "subject".',
    );
  }
  return { ...attributes, tokenIdentifier: token } as UserIdentity;
}

export type AuthenticatorOptions = {
  /** Lets developer tools authenticate as admin; admin auth is refused when absent. */
  adminKey?: string | undefined;
  /** For OIDC discovery; defaults to the global fetch. */
  fetch?: typeof fetch;
};

export class Authenticator {
  private readonly verifiers: Verifier[];

  constructor(
    providers: AuthProvider[],
    private readonly options: AuthenticatorOptions = {},
  ) {
    const fetchImpl = options.fetch ?? fetch;
    this.verifiers = providers.map((provider) =>
      "type" in provider && provider.type === "customJwt"
        ? customJwtVerifier(provider)
        : oidcVerifier(provider as Extract<AuthProvider, { domain: string }>, fetchImpl),
    );
  }

  /** Verify a user's JWT against the configured providers. Throws AuthenticationError. */
  async verifyToken(token: string): Promise<VerifiedUser> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new AuthenticationError(
        "Could not parse the token as a JWT (three base64url parts: header, payload, signature).",
      );
    }
    if (!issuer) throw new AuthenticationError("The token has no issuer (iss) claim.");
    const verifier = this.verifiers.find((candidate) => candidate.matches(issuer));
    if (!verifier) {
      const known = this.verifiers.map(({ provider }) =>
        "domain" in provider ? provider.domain : provider.issuer,
      );
      throw new AuthenticationError(
        `No auth provider found matching the token's issuer "${issuer}". ` +
          (known.length > 0
            ? `Configured issuers: ${known.map((value) => `"${value}"`).join(", ")}.`
            : "auth.config.ts configures no providers (check the environment variables it reads)."),
      );
    }
    return await verifier.verify(token);
  }

  /** Check an admin key, optionally acting as `impersonating`. Throws AuthenticationError. */
  verifyAdmin(key: string, impersonating?: Record<string, unknown>): Caller {
    const expected = this.options.adminKey;
    const given = Buffer.from(key);
    const valid =
      expected !== undefined &&
      given.length === Buffer.byteLength(expected) &&
      timingSafeEqual(given, Buffer.from(expected));
    if (!valid) {
      throw new AuthenticationError(
        expected === undefined
          ? "Admin authentication is disabled: start the local backend with an admin key."
          : "The admin key is not valid for this local backend.",
      );
    }
    return { identity: impersonating ? impersonatedIdentity(impersonating) : null, admin: true };
  }
}
