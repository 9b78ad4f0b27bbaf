/**
 * Server side of the allowed-domains check. The widget refuses to run on a
 * host page that is not on the organization's list, but it learns the host
 * page's origin from its own URL (`hostOrigin`, set by the loader), which a
 * page could fake. So the page is served with `frame-ancestors <hostOrigin>`
 * whenever the backend says that origin is allowed: the browser then refuses
 * to show the widget anywhere else. Organizations without a list get no
 * policy (any site, and a site builder's preview frame, may embed them).
 */
import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";

import { env } from "~/env";

/** A short wait: the page must not hang on the backend; the widget still checks on its own. */
const TIMEOUT_MS = 2_000;

/** One client for every request: it holds no connection and never signs in. */
const client = env.NEXT_PUBLIC_CONVEX_URL
  ? new ConvexHttpClient(env.NEXT_PUBLIC_CONVEX_URL, { logger: false })
  : undefined;

async function lookup(organizationId: string, hostOrigin: string): Promise<string | null> {
  if (!client) return null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), TIMEOUT_MS);
  });
  let ancestor: string | null;
  try {
    ancestor = await Promise.race([
      client.query(api.public.widgetSettings.frameAncestor, { organizationId, hostOrigin }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return ancestor ? `frame-ancestors ${ancestor}` : null;
}

/** The Content-Security-Policy to send with the widget page, or null for none. */
export async function frameAncestorsPolicy(
  organizationId: string | null,
  hostOrigin: string | null,
): Promise<string | null> {
  if (!organizationId || !hostOrigin) return null;
  // Not cached here: Convex caches the query's result until the settings change, and a stale
  // answer after an admin edits the list would block or admit the wrong host.
  try {
    return await lookup(organizationId, hostOrigin);
  } catch (error) {
    // Unknown organization, bad input or backend unreachable: no policy. The widget's own
    // check still refuses a host that is not allowed; this only adds the browser's check.
    console.warn("[widget] frame-ancestors lookup failed:", (error as Error).message);
    return null;
  }
}
