/**
 * The local identity provider as the route handlers under /api/local-auth
 * use it. Everything answers 404 unless local sign-in is enabled (see
 * `serverEnv.localAuthEnabled`), so a deployment with Clerk never exposes it.
 * Server-only.
 */
import { NextResponse, type NextRequest } from "next/server";

import { serverEnv } from "~/env";

import { DirectoryError, LocalDirectory } from "./directory";
import { signingKey } from "./keys";
import { readSession, SESSION_TTL_SECONDS } from "./tokens";

export const SESSION_COOKIE = "parley_local_session";

const directories = new Map<string, LocalDirectory>();

export function localProvider() {
  if (!serverEnv.localAuthEnabled()) return null;
  const dataDir = serverEnv.dataDir();
  let directory = directories.get(dataDir);
  if (!directory) {
    directory = new LocalDirectory(dataDir);
    directories.set(dataDir, directory);
  }
  return { directory, issuer: serverEnv.localAuthIssuer(), key: () => signingKey(dataDir) };
}

export type LocalProvider = NonNullable<ReturnType<typeof localProvider>>;

export const notFound = () => NextResponse.json({ error: "Not found" }, { status: 404 });

/** The signed-in member behind the request's session cookie, or null. */
export async function currentMember(provider: LocalProvider, request: NextRequest) {
  const session = await readSession(
    await provider.key(),
    provider.issuer,
    request.cookies.get(SESSION_COOKIE)?.value,
  );
  if (!session) return null;
  return await provider.directory.resolve(session.userId, session.organizationId);
}

export function sessionCookie(value: string) {
  return {
    name: SESSION_COOKIE,
    value,
    httpOnly: true,
    sameSite: "lax" as const,
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
  };
}

/** Run a handler, turning a refused directory change into a 400 with its message. */
export async function handleDirectoryErrors(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DirectoryError) {
      return NextResponse.json({ error: error.message }, { status: 400 });
    }
    throw error;
  }
}

/** The request's JSON body as an object, or null when it is not one. */
export async function jsonBody(request: NextRequest): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await request.json();
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
