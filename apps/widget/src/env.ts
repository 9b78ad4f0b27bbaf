/**
 * The widget's environment, validated once. This is the only module that
 * reads `process.env` (a lint rule enforces it), so a bad value fails here with
 * a message naming the variable instead of surfacing later as `undefined`.
 *
 * Next.js inlines `NEXT_PUBLIC_*` variables into client bundles only when they
 * are read by their literal name, so each one is spelled out below.
 */

const ENV_FILE = "apps/widget/.env.local";

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

/** An optional http(s) URL: empty or unset means "not configured". */
function optionalUrl(name: string, value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!isHttpUrl(trimmed)) {
    throw new Error(
      `Invalid environment variable ${name}: expected an http(s) URL such as ` +
        `http://127.0.0.1:3210, got "${trimmed}". Fix it in ${ENV_FILE}, or remove it ` +
        `to run without a backend.`,
    );
  }
  return trimmed.replace(/\/+$/, "");
}

const convexUrl = optionalUrl("NEXT_PUBLIC_CONVEX_URL", process.env.NEXT_PUBLIC_CONVEX_URL);

/**
 * The deployment's HTTP-action origin: `NEXT_PUBLIC_CONVEX_SITE_URL`, or, on
 * Convex cloud, the deployment URL with `.convex.cloud` read as `.convex.site`.
 */
function siteUrl(): string | undefined {
  const explicit = optionalUrl(
    "NEXT_PUBLIC_CONVEX_SITE_URL",
    process.env.NEXT_PUBLIC_CONVEX_SITE_URL,
  );
  if (explicit) return explicit;
  if (convexUrl && /\.convex\.cloud$/.test(new URL(convexUrl).hostname)) {
    return convexUrl.replace(/\.convex\.cloud(?=$|[:/])/, ".convex.site");
  }
  return undefined;
}

export const env = Object.freeze({
  /** Convex deployment URL; `undefined` until a backend is configured. */
  NEXT_PUBLIC_CONVEX_URL: convexUrl,
  /** Where visitor sessions are started (`POST /widget/sessions`); see `siteUrl`. */
  NEXT_PUBLIC_CONVEX_SITE_URL: siteUrl(),
});
