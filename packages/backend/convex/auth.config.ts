import type { AuthConfig } from "convex/server";

import { AUTH_APPLICATION_ID, env } from "./lib/env";

/**
 * Who may sign in to the dashboard: one identity provider per deployment.
 *
 * - Clerk, in production: a JWT template named `convex` (its `aud` is
 *   "convex") issued by the Clerk instance at CLERK_JWT_ISSUER_DOMAIN. The
 *   template adds the organization claims we read, see `lib/auth.ts`.
 * - The local issuer, only when PARLEY_LOCAL_AUTH_ISSUER and
 *   PARLEY_LOCAL_AUTH_JWKS_URL are set: RS256 tokens with the same claims,
 *   for running the whole product offline.
 *
 * Convex evaluates this file at push time, where reading an unset variable
 * throws; `lib/env.ts` reads every variable so that an unset one is simply
 * absent, so a deployment that sets only Clerk's (or only the local
 * issuer's) variables pushes. With neither set the push still succeeds and
 * nobody can sign in to the dashboard until one is (the widget works).
 */
const clerkIssuer = env.clerkIssuerDomain();
const localIssuer = env.localAuthIssuer();
const localJwks = env.localAuthJwksUrl();

// Security: the local issuer mints admin tokens for anyone who can reach the
// local dashboard. A deployment that trusts Clerk must never also trust it.
if (clerkIssuer && (localIssuer || localJwks)) {
  throw new Error(
    "CLERK_JWT_ISSUER_DOMAIN and PARLEY_LOCAL_AUTH_ISSUER/PARLEY_LOCAL_AUTH_JWKS_URL are both set: " +
      "a deployment trusts Clerk or the local issuer, never both. Remove the PARLEY_LOCAL_AUTH_* " +
      "variables (`npx convex env remove PARLEY_LOCAL_AUTH_ISSUER PARLEY_LOCAL_AUTH_JWKS_URL`).",
  );
}
if (Boolean(localIssuer) !== Boolean(localJwks)) {
  throw new Error(
    "PARLEY_LOCAL_AUTH_ISSUER and PARLEY_LOCAL_AUTH_JWKS_URL are set together or not at all.",
  );
}

const providers: AuthConfig["providers"] = [];
if (clerkIssuer) {
  providers.push({ domain: clerkIssuer, applicationID: AUTH_APPLICATION_ID });
}
if (localIssuer && localJwks) {
  providers.push({
    type: "customJwt",
    issuer: localIssuer,
    jwks: localJwks,
    algorithm: "RS256",
    applicationID: AUTH_APPLICATION_ID,
  });
}

export default { providers } satisfies AuthConfig;
