import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";

import { frameAncestorsPolicy } from "~/modules/host/frame-ancestors";

/**
 * Sends the widget page with a `frame-ancestors` policy when the
 * organization restricts where it may be embedded, so the browser checks the
 * embedding page's real origin (see modules/host/frame-ancestors.ts).
 */
export async function proxy(request: NextRequest) {
  const response = NextResponse.next();
  const policy = await frameAncestorsPolicy(
    request.nextUrl.searchParams.get("organizationId"),
    request.nextUrl.searchParams.get("hostOrigin"),
  );
  if (policy) response.headers.set("Content-Security-Policy", policy);
  return response;
}

// Only the widget page itself; its scripts and styles are not framed.
export const config = { matcher: "/" };
