"use client";

import { cn } from "@parley/ui/lib/utils";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

import { AppNav } from "./app-nav";
import { useGuardedLink } from "./unsaved-changes";

/**
 * The dashboard frame: a header (product, organization, the member and
 * sign-out), the section navigation and the page. Before the member's
 * workspace is known, only the header shows, with whatever `aside` is given.
 */
export function AppShell({
  organizationName,
  aside,
  withNav = true,
  children,
}: {
  organizationName?: string;
  aside?: ReactNode;
  withNav?: boolean;
  children: ReactNode;
}) {
  const guard = useGuardedLink();
  // The inbox is three columns wide: it gets the whole window.
  const wide = usePathname() === "/conversations";
  const width = wide ? "max-w-[100rem]" : "max-w-6xl";
  return (
    <div className="min-h-dvh bg-muted/40">
      <header className="sticky top-0 z-40 border-b bg-background">
        <div className={cn("mx-auto flex h-14 items-center gap-3 px-4 sm:px-6", width)}>
          <Link href="/" onClick={guard("/")} className="text-lg font-semibold tracking-tight">
            Parley
          </Link>
          {organizationName && (
            <>
              <span aria-hidden="true" className="text-muted-foreground/60">
                /
              </span>
              <span className="truncate text-sm font-medium">{organizationName}</span>
            </>
          )}
          <div className="ml-auto flex items-center gap-3">{aside}</div>
        </div>
      </header>
      {withNav ? (
        <div
          className={cn(
            "mx-auto grid grid-cols-[minmax(0,1fr)] gap-6 px-4 py-6 sm:px-6 md:grid-cols-[13rem_minmax(0,1fr)] md:py-8",
            width,
          )}
        >
          <aside className="min-w-0 md:sticky md:top-22 md:self-start">
            <AppNav />
          </aside>
          <main className="flex min-w-0 flex-col gap-6">{children}</main>
        </div>
      ) : (
        <main className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-10 sm:px-6">{children}</main>
      )}
    </div>
  );
}
