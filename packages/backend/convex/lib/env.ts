/**
 * The backend's only reader of `process.env`. Values are read when asked for
 * (Convex sets deployment variables at run time), and a required variable
 * that is missing fails with a message naming it.
 */

/**
 * Read one variable. Convex evaluates `auth.config.ts` when code is pushed,
 * and there reading a variable the deployment has not set *throws*
 * ("Environment variable X is used in auth config file but its value was
 * not set") instead of giving `undefined`, failing the push. Reading
 * `process.env` cannot throw for any other reason, so a throw here means
 * "unset": optional identity providers stay optional at push time too.
 */
function read(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

function optional(name: string): string | undefined {
  const value = read(name);
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function required(name: string, purpose: string): string {
  const value = optional(name);
  if (value === undefined) {
    throw new Error(
      `Missing environment variable ${name} (${purpose}). Set it with \`npx convex env set ${name} <value>\`.`,
    );
  }
  return value;
}

function openAi() {
  const apiKey = optional("OPENAI_API_KEY");
  if (!apiKey) return null;
  return {
    apiKey,
    baseURL: optional("OPENAI_BASE_URL") ?? "https://api.openai.com/v1",
    model: optional("OPENAI_MODEL") ?? "gpt-4o-mini",
  };
}

function wholeDays(name: string, fallback: number): number {
  const value = optional(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number of days, got "${value}".`);
  }
  return parsed;
}

/** The audience (`aud`) every accepted token must carry: Clerk's JWT template name or the local issuer's. */
export const AUTH_APPLICATION_ID = "convex";

export const env = {
  /** Clerk's Frontend API URL, e.g. https://verb-noun-12.clerk.accounts.dev. Enables Clerk sign-in. */
  clerkIssuerDomain: () => optional("CLERK_JWT_ISSUER_DOMAIN"),
  /**
   * The local identity provider used offline (see the local runtime). Only
   * trusted when both variables are set; never set them on a production deployment.
   */
  localAuthIssuer: () => optional("PARLEY_LOCAL_AUTH_ISSUER"),
  localAuthJwksUrl: () => optional("PARLEY_LOCAL_AUTH_JWKS_URL"),
  /**
   * Milliseconds between words when the local responder streams an answer, so
   * it reads like typing (default 15; 0 in tests).
   */
  streamPacingMs: () => {
    const value = optional("PARLEY_STREAM_PACING_MS");
    const parsed = value === undefined ? 15 : Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) {
      throw new Error(`PARLEY_STREAM_PACING_MS must be a number of milliseconds, got "${value}".`);
    }
    return parsed;
  },
  /**
   * The model behind the agent: any OpenAI-compatible chat-completions API.
   * Unset OPENAI_API_KEY means the local responder (knowledge-base search, no model).
   */
  openAi: () => openAi(),
  /**
   * The embedding model behind the knowledge base's semantic search, on the
   * same OpenAI-compatible API as the chat model (its `/embeddings`
   * endpoint). Null without OPENAI_API_KEY (full-text search only, as the
   * local responder does) or when OPENAI_EMBEDDING_MODEL is `off` (for
   * providers that have no embeddings endpoint).
   */
  embeddings: () => {
    const chat = openAi();
    if (!chat) return null;
    const model = optional("OPENAI_EMBEDDING_MODEL") ?? "text-embedding-3-small";
    if (model.toLowerCase() === "off") return null;
    return { apiKey: chat.apiKey, baseURL: chat.baseURL, model };
  },
  /**
   * The signing secret (`whsec_…`) of the Clerk webhook endpoint that points
   * at `/webhooks/clerk`; the local stack generates its own. Unset: the route
   * answers 500 and Svix retries until it is set.
   */
  clerkWebhookSecret: () => optional("CLERK_WEBHOOK_SIGNING_SECRET"),
  /**
   * Clerk's Backend API, used to set an organization's member limit when its
   * plan changes. Null without CLERK_SECRET_KEY (local mode): the limit is then
   * only recorded and enforced here.
   */
  clerkApi: () => {
    const secretKey = optional("CLERK_SECRET_KEY");
    if (!secretKey) return null;
    return { secretKey, apiUrl: optional("CLERK_API_URL") ?? "https://api.clerk.com" };
  },
  /**
   * The Clerk Billing plan slugs of Parley's paid plans (the free plan is
   * whatever Clerk's default plan is called). Defaults: `pro`, `business`.
   */
  planSlugs: () => ({
    pro: optional("PARLEY_PLAN_SLUG_PRO") ?? "pro",
    business: optional("PARLEY_PLAN_SLUG_BUSINESS") ?? "business",
  }),
  /** Days a `past_due` subscription keeps its plan before falling back to free (default 7). */
  pastDueGraceDays: () => wholeDays("PARLEY_PAST_DUE_GRACE_DAYS", 7),
  /** Days a deleted organization's data is kept before it is purged (default 30). */
  deletedOrganizationRetentionDays: () => wholeDays("PARLEY_DELETED_ORG_RETENTION_DAYS", 30),
  /** Key for encrypting plugin secrets at rest (32 bytes, base64); `lib/secrets.ts`. */
  secretsKey: () => required("PARLEY_SECRETS_KEY", "encrypts plugin secrets at rest"),
  /**
   * Earlier values of PARLEY_SECRETS_KEY, still accepted for decryption after
   * a rotation: base64 keys separated by commas or whitespace.
   */
  previousSecretsKeys: () =>
    (optional("PARLEY_SECRETS_KEYS_PREVIOUS") ?? "").split(/[\s,]+/).filter((key) => key !== ""),
  /** Vapi's REST API, default https://api.vapi.ai (tests point it at a loopback server). */
  vapiApiUrl: () => (optional("VAPI_API_URL") ?? "https://api.vapi.ai").replace(/\/+$/, ""),
  /**
   * Where Vapi reaches this deployment's HTTP actions (the custom-LLM and
   * server-message routes of a managed assistant): PARLEY_PUBLIC_SITE_URL,
   * else Convex's own CONVEX_SITE_URL. Null when neither is set.
   */
  publicSiteUrl: () =>
    (optional("PARLEY_PUBLIC_SITE_URL") ?? optional("CONVEX_SITE_URL"))?.replace(/\/+$/, "") ??
    null,
};
