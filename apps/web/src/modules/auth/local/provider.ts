/**
 * The local identity provider as the route handlers under /api/local-auth
 * (and /api/local-billing) use it. Everything answers 404 unless local
 * sign-in is enabled (see `serverEnv.localAuthEnabled`: never in production,
 * never with Clerk), so a deployment never exposes it.
 *
 * Security: these routes mint admin tokens for whoever calls them, so besides
 * the dashboard listening on 127.0.0.1 only (`PARLEY_WEB_HOST`, see
 * packages/dev), `localProviderFor` accepts only requests a page of the
 * dashboard itself made: a browser's `Sec-Fetch-Site` must say same-origin,
 * and anything that is not a GET must carry the dashboard's own `Origin` and
 * a JSON body (`application/json`), which a page on another origin cannot
 * send without a CORS preflight these routes never grant. Scripts on the same
 * machine (the dev stack's seeding, the browser tests) send the same headers.
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

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** The origin the request was sent to, as its browser would write it in `Origin`. */
function ownOrigin(request: NextRequest): string {
  const host = request.headers.get("host") ?? request.nextUrl.host;
  return `${request.nextUrl.protocol}//${host}`;
}

/**
 * Why a request to a local-auth route does not come from the dashboard's own
 * pages, or null when it does (see the header).
 */
export function crossOriginRefusal(request: NextRequest): Response | null {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    return NextResponse.json({ error: "Cross-origin request refused." }, { status: 403 });
  }
  if (SAFE_METHODS.has(request.method)) return null;
  if (request.headers.get("origin") !== ownOrigin(request)) {
    return NextResponse.json({ error: "Cross-origin request refused." }, { status: 403 });
  }
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return NextResponse.json({ error: "Send a JSON body (application/json)." }, { status: 415 });
  }
  return null;
}

/**
 * The local provider for a request to one of its routes, or the response
 * refusing it: 404 while local sign-in is off, 403 / 415 for a request that
 * does not come from the dashboard's own pages (`crossOriginRefusal`).
 */
export function localProviderFor(request: NextRequest): LocalProvider | Response {
  const provider = localProvider();
  if (!provider) return notFound();
  return crossOriginRefusal(request) ?? provider;
}

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
