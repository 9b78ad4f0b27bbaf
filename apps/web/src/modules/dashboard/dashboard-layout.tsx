"use client";

import { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@parley/ui/components/card";
import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { useQuery } from "convex/react";
import Link from "next/link";
import type { ReactNode } from "react";

import { env } from "~/env";
import { RequireMember } from "~/modules/auth/require-member";
import { SignOutButton } from "~/modules/auth/sign-out-button";
import { NotificationBell } from "~/modules/notifications/notification-bell";
import { useBootstrap } from "~/modules/workspace/use-bootstrap";
import { WorkspaceProvider } from "~/modules/workspace/workspace-context";

import { AppShell } from "./app-shell";
import { WarningIcon } from "./icons";
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

/** Every member sees it while a payment is past due; the plan falls back to free after the grace period. */
function PastDueBanner({ graceEndsAt, plan }: { graceEndsAt?: number; plan: string }) {
  const until =
    graceEndsAt !== undefined
      ? new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(new Date(graceEndsAt))
      : undefined;
  return (
    <Alert variant="destructive" className="mb-4" role="alert" data-testid="past-due-banner">
      <WarningIcon />
      <AlertTitle>Payment past due</AlertTitle>
      <AlertDescription>
        {plan === "free"
          ? "The grace period is over and the organization is on the Free plan. "
          : `The organization keeps its plan${until ? ` until ${until}` : ""}. `}
        <Link href="/billing" className="font-medium underline">
          Update billing
        </Link>
      </AlertDescription>
    </Alert>
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
          {current.billing.status === "past_due" && (
            <PastDueBanner graceEndsAt={current.billing.graceEndsAt} plan={current.plan} />
          )}
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
