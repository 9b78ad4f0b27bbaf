"use client";

/**
 * Show `children` only to a signed-in member whose token Convex has
 * accepted; send anyone signed out to /sign-in.
 *
 * "Signed out" is asked of the identity provider itself (Clerk or local), not
 * inferred from Convex's auth state: right after sign-in, Convex briefly still
 * reports "not authenticated" while it validates the new token, and
 * redirecting on that would bounce the member straight back to sign-in.
 */
import { useAuth } from "@clerk/nextjs";
import { useConvexAuth } from "convex/react";
import { useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";

import { authMode } from "~/env";

import { useLocalAuth } from "./local/local-auth";

type GateProps = { children: ReactNode; fallback: ReactNode };

function Gate({ signedOut, children, fallback }: GateProps & { signedOut: boolean }) {
  const router = useRouter();
  const { isAuthenticated } = useConvexAuth();
  useEffect(() => {
    if (signedOut) router.replace("/sign-in");
  }, [signedOut, router]);
  return signedOut || !isAuthenticated ? fallback : children;
}

function LocalGate(props: GateProps) {
  const { isLoading, member } = useLocalAuth();
  return <Gate signedOut={!isLoading && member === null} {...props} />;
}

function ClerkGate(props: GateProps) {
  const { isLoaded, isSignedIn } = useAuth();
  return <Gate signedOut={isLoaded && !isSignedIn} {...props} />;
}

export function RequireMember(props: GateProps) {
  return authMode === "clerk" ? <ClerkGate {...props} /> : <LocalGate {...props} />;
}
