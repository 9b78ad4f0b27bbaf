import { NextResponse, type NextRequest } from "next/server";

import {
  currentMember,
  handleDirectoryErrors,
  jsonBody,
  localProviderFor,
  type LocalProvider,
} from "~/modules/auth/local/provider";

/**
 * The Members page's side of the local identity provider: the signed-in
 * member's organization only, changed by its admins only. Roles live here
 * (tokens carry them); the dashboard mirrors each change into the backend's
 * member list right after (`private/members`).
 */

type Member = NonNullable<Awaited<ReturnType<typeof currentMember>>>;

/** The signed-in member, or the response refusing the request. */
async function signedIn(
  provider: LocalProvider,
  request: NextRequest,
  role?: "admin",
): Promise<Member | Response> {
  const member = await currentMember(provider, request);
  if (!member) return NextResponse.json({ error: "Please sign in." }, { status: 401 });
  if (role && member.role !== role) {
    return NextResponse.json({ error: "Only an organization admin can do this." }, { status: 403 });
  }
  return member;
}

/** The organization's members; for admins also the users who could be added. */
export async function GET(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const member = await signedIn(provider, request);
  if (member instanceof Response) return member;
  const directory = await provider.directory.read();
  const organizationId = member.organization.id;
  const inOrganization = directory.memberships.filter((m) => m.organizationId === organizationId);
  const members = inOrganization.flatMap((m) => {
    const user = directory.users.find((u) => u.id === m.userId);
    return user ? [{ user, role: m.role }] : [];
  });
  const candidates =
    member.role === "admin"
      ? directory.users.filter((u) => !inOrganization.some((m) => m.userId === u.id))
      : [];
  return NextResponse.json({ members, candidates }, { headers: { "Cache-Control": "no-store" } });
}

/** Add a member: an existing user (`{ userId, role }`) or a new one (`{ name, email, role }`). */
export async function POST(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const member = await signedIn(provider, request, "admin");
  if (member instanceof Response) return member;
  return handleDirectoryErrors(async () => {
    const body = await jsonBody(request);
    const { directory } = provider;
    const userId =
      typeof body?.userId === "string"
        ? body.userId
        : (await directory.createUser({ name: body?.name, email: body?.email })).id;
    const added = await directory.addMember({
      userId,
      organizationId: member.organization.id,
      role: body?.role,
    });
    return NextResponse.json(added);
  });
}

/** Change a member's role: `{ userId, role }`. */
export async function PATCH(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const member = await signedIn(provider, request, "admin");
  if (member instanceof Response) return member;
  return handleDirectoryErrors(async () => {
    const body = await jsonBody(request);
    return NextResponse.json(
      await provider.directory.changeRole({
        userId: body?.userId,
        organizationId: member.organization.id,
        role: body?.role,
      }),
    );
  });
}

/** Remove a member: `{ userId }`. Nobody removes themselves. */
export async function DELETE(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const member = await signedIn(provider, request, "admin");
  if (member instanceof Response) return member;
  return handleDirectoryErrors(async () => {
    const body = await jsonBody(request);
    if (body?.userId === member.user.id) {
      return NextResponse.json(
        { error: "You cannot remove yourself. Ask another admin to do it." },
        { status: 403 },
      );
    }
    return NextResponse.json(
      await provider.directory.removeMember({
        userId: body?.userId,
        organizationId: member.organization.id,
      }),
    );
  });
}
