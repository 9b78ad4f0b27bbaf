import type { NewSession } from "@parley/backend/validators";
import { ConvexError } from "convex/values";

import { env } from "~/env";

/** The backend's route for new visitor sessions (`packages/backend/convex/http.ts`). */
const SESSIONS_PATH = "/widget/sessions";

/**
 * Start a visitor session. It goes over HTTP rather than through a Convex
 * mutation because the backend limits new sessions per client address, which
 * only an HTTP action can see. A refusal arrives as `{ code, message }` and is
 * rethrown as the ConvexError every other call would give, so `describeError`
 * words it the same way.
 */
export async function startSession(
  session: NewSession,
): Promise<{ sessionToken: string; expiresAt: number }> {
  if (!env.NEXT_PUBLIC_CONVEX_SITE_URL) {
    throw new ConvexError({
      code: "INTERNAL",
      message: "Chat is not available yet: NEXT_PUBLIC_CONVEX_SITE_URL is not set.",
    });
  }
  const response = await fetch(`${env.NEXT_PUBLIC_CONVEX_SITE_URL}${SESSIONS_PATH}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(session),
  });
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ConvexError(
      (data as Record<string, string> | null) ?? { code: "INTERNAL", message: response.statusText },
    );
  }
  return data as { sessionToken: string; expiresAt: number };
}
