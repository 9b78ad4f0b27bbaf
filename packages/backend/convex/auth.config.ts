import type { AuthConfig } from "convex/server";

import { AUTH_APPLICATION_ID, env } from "./lib/env";

/**
 * Who may sign in to the dashboard.
 *
 * - Clerk, in production: a JWT template named `convex` (its `aud` is
 *   "convex") issued by the Clerk instance at CLERK_JWT_ISSUER_DOMAIN. The
 *   template adds the organization claims we read, see `lib/auth.ts`.
 * - The local issuer, only when PARLEY_LOCAL_AUTH_ISSUER and
 *   PARLEY_LOCAL_AUTH_JWKS_URL are set: RS256 tokens with the same claims,
 *   for running the whole product offline. It is off unless configured.
 */
const clerkIssuer = env.clerkIssuerDomain();
const localIssuer = env.localAuthIssuer();
const localJwks = env.localAuthJwksUrl();

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
