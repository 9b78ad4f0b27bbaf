import { NextResponse, type NextRequest } from "next/server";

import {
  currentMember,
  handleDirectoryErrors,
  jsonBody,
  localProviderFor,
  SESSION_COOKIE,
  sessionCookie,
} from "~/modules/auth/local/provider";
import { signSession } from "~/modules/auth/local/tokens";

/** Who is signed in: `{ member }`, with `member` null when nobody is. */
export async function GET(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  return NextResponse.json(
    { member: await currentMember(provider, request) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** Sign in as `userId` in `organizationId`; the user must be a member there. */
export async function POST(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  return handleDirectoryErrors(async () => {
    const body = await jsonBody(request);
    const userId = typeof body?.userId === "string" ? body.userId : "";
    const organizationId = typeof body?.organizationId === "string" ? body.organizationId : "";
    const member = await provider.directory.resolve(userId, organizationId);
    if (!member) {
      return NextResponse.json(
        { error: "That user is not a member of that organization." },
        { status: 400 },
      );
    }
    const response = NextResponse.json({ member });
    response.cookies.set(
      sessionCookie(
        await signSession(await provider.key(), provider.issuer, userId, organizationId),
      ),
    );
    return response;
  });
}

/** Sign out. */
export function DELETE(request: NextRequest) {
  const refused = localProviderFor(request);
  if (refused instanceof Response) return refused;
  const response = NextResponse.json({ member: null });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
