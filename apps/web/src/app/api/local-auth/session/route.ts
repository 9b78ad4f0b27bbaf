import { NextResponse, type NextRequest } from "next/server";

import {
  currentMember,
  handleDirectoryErrors,
  jsonBody,
  localProvider,
  notFound,
  SESSION_COOKIE,
  sessionCookie,
} from "~/modules/auth/local/provider";
import { signSession } from "~/modules/auth/local/tokens";

/** Who is signed in: `{ member }`, with `member` null when nobody is. */
export async function GET(request: NextRequest) {
  const provider = localProvider();
  if (!provider) return notFound();
  return NextResponse.json(
    { member: await currentMember(provider, request) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** Sign in as `userId` in `organizationId`; the user must be a member there. */
export async function POST(request: NextRequest) {
  const provider = localProvider();
  if (!provider) return notFound();
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
export function DELETE() {
  if (!localProvider()) return notFound();
  const response = NextResponse.json({ member: null });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
