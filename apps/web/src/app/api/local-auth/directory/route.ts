import { NextResponse, type NextRequest } from "next/server";

import { handleDirectoryErrors, jsonBody, localProviderFor } from "~/modules/auth/local/provider";

/** Everyone the local sign-in page can offer. */
export async function GET(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  return NextResponse.json(await provider.directory.read(), {
    headers: { "Cache-Control": "no-store" },
  });
}

/**
 * Create a user (`{ type: "user", name, email }`), an organization owned by a
 * user (`{ type: "organization", name, ownerUserId }`) or a membership
 * (`{ type: "membership", userId, organizationId, role }`).
 */
export async function POST(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  return handleDirectoryErrors(async () => {
    const body = await jsonBody(request);
    const { directory } = provider;
    switch (body?.type) {
      case "user":
        return NextResponse.json({
          user: await directory.createUser({ name: body.name, email: body.email }),
        });
      case "organization":
        return NextResponse.json({
          organization: await directory.createOrganization({
            name: body.name,
            ownerUserId: body.ownerUserId,
          }),
        });
      case "membership":
        return NextResponse.json({
          membership: await directory.setMembership({
            userId: body.userId,
            organizationId: body.organizationId,
            role: body.role,
          }),
        });
      default:
        return NextResponse.json(
          { error: 'Expected a JSON body with type "user", "organization" or "membership".' },
          { status: 400 },
        );
    }
  });
}
