import { ClerkProvider } from "@clerk/nextjs";
import type { Metadata } from "next";
import type { ReactNode } from "react";

import { authMode, env } from "~/env";

import { Providers } from "./providers";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Parley", template: "%s · Parley" },
  description: "Parley dashboard: conversations, knowledge base and widget settings.",
};

export default function RootLayout({ children }: Readonly<{ children: ReactNode }>) {
  const app = (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
  // Clerk only when it is configured: without keys (offline) it cannot load at all.
  // `dynamic`: the render starts from the session the proxy verified (src/proxy.ts), so the
  // first paint already knows who is signed in instead of waiting for Clerk's script.
  return authMode === "clerk" ? (
    <ClerkProvider
      dynamic
      publishableKey={env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}
      signInUrl="/sign-in"
    >
      {app}
    </ClerkProvider>
  ) : (
    app
  );
}
