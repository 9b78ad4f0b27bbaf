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
  return authMode === "clerk" ? (
    <ClerkProvider publishableKey={env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY}>{app}</ClerkProvider>
  ) : (
    app
  );
}
