"use client";

import { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@parley/ui/components/card";
import { useQuery } from "convex/react";
import type { ReactNode } from "react";

import { env } from "~/env";
import { RequireMember } from "~/modules/auth/require-member";
import { SignOutButton } from "~/modules/auth/sign-out-button";
import { NotificationBell } from "~/modules/notifications/notification-bell";
import { useBootstrap } from "~/modules/workspace/use-bootstrap";
import { WorkspaceProvider } from "~/modules/workspace/workspace-context";

import { AppShell } from "./app-shell";
import { ErrorState, LoadingState } from "./states";
import { UnsavedChangesProvider } from "./unsaved-changes";

function NoBackend() {
  return (
    <AppShell withNav={false} aside={<Badge variant="warning">Backend not configured</Badge>}>
      <Card className="border-warning">
        <CardHeader>
          <CardTitle>Backend</CardTitle>
          <CardDescription>
            No backend is configured. Run{" "}
            <code className="font-mono text-foreground">npm run dev</code> from the repository root,
            or set <code className="font-mono text-foreground">NEXT_PUBLIC_CONVEX_URL</code> in{" "}
            <code className="font-mono text-foreground">apps/web/.env.local</code> and restart the
            dev server.
          </CardDescription>
        </CardHeader>
      </Card>
    </AppShell>
  );
}

/** Signed in: set up the member's workspace (first sign-in creates it), then show the dashboard. */
function Workspace({ children }: { children: ReactNode }) {
  const bootstrap = useBootstrap();
  const current = useQuery(
    api.private.organizations.current,
    bootstrap.status === "ready" ? {} : "skip",
  );

  if (bootstrap.status === "error") {
    return (
      <AppShell withNav={false} aside={<SignOutButton />}>
        <ErrorState
          title="Your workspace could not be set up"
          error={bootstrap.error}
          retry={() => window.location.reload()}
        />
      </AppShell>
    );
  }
  if (!current) {
    return (
      <AppShell withNav={false} aside={<SignOutButton />}>
        <LoadingState label="Setting up your workspace…" />
      </AppShell>
    );
  }
  return (
    <WorkspaceProvider value={current}>
      <UnsavedChangesProvider>
        <AppShell
          organizationName={current.name}
          aside={
            <>
              <NotificationBell />
              <span
                className="hidden text-sm text-muted-foreground sm:inline"
                data-testid="current-user"
              >
                {current.user.name ?? current.user.email}
              </span>
              <SignOutButton />
            </>
          }
        >
          {children}
        </AppShell>
      </UnsavedChangesProvider>
    </WorkspaceProvider>
  );
}

/**
 * Everything under the dashboard's routes: members see their organization's
 * screens inside the app shell; anyone signed out is sent to sign in.
 */
export function DashboardLayout({ children }: { children: ReactNode }) {
  if (!env.NEXT_PUBLIC_CONVEX_URL) return <NoBackend />;
  return (
    <RequireMember
      fallback={
        <AppShell withNav={false}>
          <LoadingState />
        </AppShell>
      }
    >
      <Workspace>{children}</Workspace>
    </RequireMember>
  );
}
