import { NextResponse } from "next/server";

import { localProvider, notFound } from "~/modules/auth/local/provider";

/**
 * The public key Convex uses to verify local tokens (PARLEY_LOCAL_AUTH_JWKS_URL).
 * The one route without the same-origin check: the backend fetches it from
 * another origin, and a public key is no secret.
 */
export async function GET() {
  const provider = localProvider();
  if (!provider) return notFound();
  const { publicJwk } = await provider.key();
  return NextResponse.json(
    { keys: [publicJwk] },
    { headers: { "Cache-Control": "public, max-age=300" } },
  );
}
