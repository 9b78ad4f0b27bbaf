"use client";

import { useClerk } from "@clerk/nextjs";
import { Button } from "@parley/ui/components/button";
import { useRouter } from "next/navigation";

import { authMode } from "~/env";

import { useLocalAuth } from "./local/local-auth";

function ClerkSignOut() {
  const clerk = useClerk();
  return (
    <Button
      variant="outline"
      size="sm"
      onClick={() => void clerk.signOut({ redirectUrl: "/sign-in" })}
    >
      Sign out
    </Button>
  );
}

function LocalSignOut() {
  const { signOut } = useLocalAuth();
  const router = useRouter();
  return (
    <Button
      variant="outline"
      size="sm"
      onClick={async () => {
        await signOut();
        router.replace("/sign-in");
      }}
    >
      Sign out
    </Button>
  );
}

export function SignOutButton() {
  return authMode === "clerk" ? <ClerkSignOut /> : <LocalSignOut />;
}
