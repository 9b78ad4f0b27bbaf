"use client";

import { SignIn } from "@clerk/nextjs";

import { authMode } from "~/env";

import { LocalSignIn } from "./local/local-sign-in";

/** Clerk's sign-in when Clerk is configured; the local sign-in otherwise. */
export function SignInView() {
  return (
    <main className="flex min-h-dvh items-start justify-center bg-muted/40 px-4 py-12">
      {authMode === "clerk" ? <SignIn routing="hash" forceRedirectUrl="/" /> : <LocalSignIn />}
    </main>
  );
}
