"use client";

import { useAuth } from "@clerk/nextjs";
import { ConvexProviderWithAuth, ConvexReactClient } from "convex/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import type { ReactNode } from "react";
import { Toaster } from "sonner";

import { authMode, env } from "~/env";
import { LocalAuthProvider, useLocalConvexAuth } from "~/modules/auth/local/local-auth";

// One client for the whole tab. It connects lazily, on first use.
const convex = env.NEXT_PUBLIC_CONVEX_URL
  ? new ConvexReactClient(env.NEXT_PUBLIC_CONVEX_URL)
  : undefined;

/**
 * App-wide client providers: the Convex client, authenticated through Clerk
 * when Clerk is configured (layout.tsx adds <ClerkProvider>), or through the
 * local identity provider otherwise. The same Convex functions serve both.
 */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <>
      <ClientProviders>{children}</ClientProviders>
      {/* Mutation errors (a reply that could not be sent…) show as toasts. */}
      <Toaster position="bottom-right" richColors closeButton />
    </>
  );
}

function ClientProviders({ children }: { children: ReactNode }) {
  if (authMode === "clerk") {
    return convex ? (
      <ConvexProviderWithClerk client={convex} useAuth={useAuth}>
        {children}
      </ConvexProviderWithClerk>
    ) : (
      children
    );
  }
  return (
    <LocalAuthProvider>
      {convex ? (
        <ConvexProviderWithAuth client={convex} useAuth={useLocalConvexAuth}>
          {children}
        </ConvexProviderWithAuth>
      ) : (
        children
      )}
    </LocalAuthProvider>
  );
}

/** Whether a Convex backend is configured (without one, data views explain how to add it). */
export const hasBackend = convex !== undefined;
