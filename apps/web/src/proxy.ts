/**
 * Next's proxy (formerly middleware): runs before every page and API route.
 *
 * With Clerk, it is where a request's session is verified: `clerkMiddleware`
 * reads the `__session` cookie, checks it with CLERK_JWT_KEY (no request to
 * Clerk), and hands the result to `auth()` and `<ClerkProvider dynamic>` for the
 * render. Pages other than sign-in are for members only: a signed-out visit is
 * redirected to /sign-in before anything renders.
 *
 * With local sign-in there is nothing to do here (its session is read by
 * `/api/local-auth/*` and the client), and Clerk must not run at all: without
 * keys every route behind `clerkMiddleware` answers 500.
 */
import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import { NextResponse, type NextProxy } from "next/server";

import { authMode, env, serverEnv } from "~/env";

/** Open to anyone: the sign-in page, and API routes, which check their own callers. */
const isPublic = createRouteMatcher(["/sign-in(.*)", "/api/(.*)"]);

/**
 * Clerk's options, read per request: a build without Clerk's secrets still succeeds, and a
 * server without them says which one is missing.
 */
function clerkOptions() {
  if (!serverEnv.clerkSecretKey()) {
    throw new Error(
      "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is set but CLERK_SECRET_KEY is not: set both in apps/web/.env.local, or neither for local sign-in.",
    );
  }
  // The secret key is left for Clerk to read from CLERK_SECRET_KEY itself: passed here, Clerk
  // would also demand CLERK_ENCRYPTION_KEY to forward it to the render.
  return {
    publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
    // Networkless verification. Without it Clerk fetches the instance's JWKS before it can
    // verify a session token.
    jwtKey: serverEnv.clerkJwtKey(),
    signInUrl: "/sign-in",
  };
}

const proxy: NextProxy =
  authMode === "clerk"
    ? clerkMiddleware(async (auth, request) => {
        // Security: every page but sign-in needs a verified Clerk session; a signed-out
        // navigation is redirected to /sign-in, anything else gets a 404.
        if (!isPublic(request)) await auth.protect();
      }, clerkOptions)
    : () => NextResponse.next();

export default proxy;

export const config = {
  // Clerk's recommended matcher: everything but Next internals and static files, and always APIs.
  matcher: [
    "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    "/(api|trpc)(.*)",
  ],
};
