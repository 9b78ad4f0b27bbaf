import { NextResponse, type NextRequest } from "next/server";

import { currentMember, localProviderFor } from "~/modules/auth/local/provider";
import { signAccessToken } from "~/modules/auth/local/tokens";

/** A fresh Convex access token for the signed-in member. */
export async function GET(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const member = await currentMember(provider, request);
  if (!member) return NextResponse.json({ error: "Not signed in" }, { status: 401 });
  const token = await signAccessToken(await provider.key(), provider.issuer, member);
  return NextResponse.json({ token }, { headers: { "Cache-Control": "no-store" } });
}
