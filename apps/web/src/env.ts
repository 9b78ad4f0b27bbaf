/**
 * The dashboard's environment, validated once. This is the only module that
 * reads `process.env` (a lint rule enforces it), so a bad value fails here with
 * a message naming the variable instead of surfacing later as `undefined`.
 *
 * Next.js inlines `NEXT_PUBLIC_*` variables into client bundles only when they
 * are read by their literal name, so each one is spelled out below. Server-only
 * values are functions, read on the server when needed (they are undefined in
 * the browser).
 */

const ENV_FILE = "apps/web/.env.local";

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function invalid(name: string, expected: string, value: string): never {
  throw new Error(
    `Invalid environment variable ${name}: expected ${expected}, got "${value}". Fix it in ${ENV_FILE}.`,
  );
}

/** An optional http(s) URL: empty or unset means "not configured". */
function optionalUrl(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!isHttpUrl(trimmed)) invalid(name, "an http(s) URL such as http://127.0.0.1:3210", trimmed);
  return trimmed.replace(/\/+$/, "");
}

function optionalPrefixed(name: string, value: string | undefined, prefix: string) {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!trimmed.startsWith(prefix)) invalid(name, `a value starting with "${prefix}"`, trimmed);
  return trimmed;
}

/**
 * A PEM public key (Clerk's "JWT public key"), as its dashboard shows it. `.env` files often
 * hold it on one line with literal `\n`s; those are turned back into line breaks.
 */
function optionalPublicKeyPem(name: string, value: string | undefined) {
  const pem = value?.trim().replace(/\\n/g, "\n");
  if (!pem) return undefined;
  if (!/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----$/.test(pem))
    invalid(
      name,
      'a PEM public key ("-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----")',
      pem,
    );
  return pem;
}

const clerkPublishableKey = optionalPrefixed(
  "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
  process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
  "pk_",
);

export const env = Object.freeze({
  /** Convex deployment URL; `undefined` until a backend is configured. */
  NEXT_PUBLIC_CONVEX_URL: optionalUrl("NEXT_PUBLIC_CONVEX_URL", process.env.NEXT_PUBLIC_CONVEX_URL),
  /**
   * Where customers load the embed script (`parley.js`) from, shown in the
   * embed snippet; `undefined` until it is configured.
   */
  NEXT_PUBLIC_PARLEY_EMBED_URL: optionalUrl(
    "NEXT_PUBLIC_PARLEY_EMBED_URL",
    process.env.NEXT_PUBLIC_PARLEY_EMBED_URL,
  ),
  /** Clerk's publishable key; when set, sign-in goes through Clerk. */
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: clerkPublishableKey,
});

/** How members sign in: Clerk when it is configured, the local identity provider otherwise. */
export const authMode: "clerk" | "local" = clerkPublishableKey ? "clerk" : "local";

/** Server-only settings. Call these from route handlers and server code only. */
export const serverEnv = {
  clerkSecretKey: () => optionalPrefixed("CLERK_SECRET_KEY", process.env.CLERK_SECRET_KEY, "sk_"),

  /**
   * Clerk's JWT public key (Clerk dashboard → API keys → Show JWT public key → PEM Public Key).
   * With it, session tokens are verified on this server with no request to Clerk; without it,
   * Clerk fetches its JWKS over the network (with CLERK_SECRET_KEY) before it can verify one.
   */
  clerkJwtKey: () => optionalPublicKeyPem("CLERK_JWT_KEY", process.env.CLERK_JWT_KEY),

  /**
   * Whether the local identity provider may issue tokens. It is for offline
   * development only: on by default outside production (PARLEY_LOCAL_AUTH=off
   * turns it off), never when NODE_ENV is production, whatever
   * PARLEY_LOCAL_AUTH says (it mints admin tokens for whoever reaches the
   * dashboard, so a deployed dashboard must not have it), and never while
   * Clerk is configured.
   */
  localAuthEnabled: () => {
    if (authMode !== "local") return false;
    if (process.env.NODE_ENV === "production") return false;
    const flag = process.env.PARLEY_LOCAL_AUTH?.trim().toLowerCase();
    if (flag && flag !== "on" && flag !== "off")
      invalid("PARLEY_LOCAL_AUTH", '"on" or "off"', flag);
    return flag !== "off";
  },

  /** The `iss` of local tokens; the backend must trust exactly this value (PARLEY_LOCAL_AUTH_ISSUER). */
  localAuthIssuer: () =>
    optionalUrl("PARLEY_LOCAL_AUTH_ISSUER", process.env.PARLEY_LOCAL_AUTH_ISSUER) ??
    "http://localhost:3000/api/local-auth",

  /**
   * Local mode only: the `whsec_` secret the local backend verifies Clerk webhooks with
   * (`CLERK_WEBHOOK_SIGNING_SECRET` there; the local stack generates one for both), so the
   * Billing page can send a properly signed Clerk billing event to the real webhook path.
   */
  localClerkWebhookSecret: () =>
    optionalPrefixed(
      "PARLEY_LOCAL_CLERK_WEBHOOK_SECRET",
      process.env.PARLEY_LOCAL_CLERK_WEBHOOK_SECRET,
      "whsec_",
    ),

  /** The backend's HTTP actions (Convex's *.convex.site URL; the local backend's site port). */
  convexSiteUrl: () =>
    optionalUrl("NEXT_PUBLIC_CONVEX_SITE_URL", process.env.NEXT_PUBLIC_CONVEX_SITE_URL),

  /** Where local state (the signing key, the local user directory) is kept. */
  dataDir: () => process.env.PARLEY_DATA_DIR?.trim() || ".parley",
};
