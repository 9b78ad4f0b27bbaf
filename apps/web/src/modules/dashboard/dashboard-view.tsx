"use client";

import { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@parley/ui/components/card";
import { useQuery } from "convex/react";

import { env } from "~/env";
import { RequireMember } from "~/modules/auth/require-member";
import { SignOutButton } from "~/modules/auth/sign-out-button";
import { useBootstrap } from "~/modules/workspace/use-bootstrap";

const upcomingSections = [
  {
    title: "Conversations",
    description: "Every visitor chat, with AI replies and a handoff to your team.",
  },
  { title: "Knowledge base", description: "The documents the assistant answers from." },
  { title: "Widget", description: "Greeting, colours and the snippet to paste on your site." },
] as const;

function Shell({ children, aside }: { children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <div className="min-h-dvh bg-muted/40">
      <header className="border-b bg-background">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between gap-4 px-6">
          <span className="text-lg font-semibold tracking-tight">Parley</span>
          {aside}
        </div>
      </header>
      <main className="mx-auto flex max-w-5xl flex-col gap-6 px-6 py-10">{children}</main>
    </div>
  );
}

function NoBackend() {
  return (
    <Shell aside={<Badge variant="warning">Backend not configured</Badge>}>
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
    </Shell>
  );
}

function Workspace() {
  const bootstrap = useBootstrap();
  const current = useQuery(
    api.private.organizations.current,
    bootstrap.status === "ready" ? {} : "skip",
  );

  if (bootstrap.status === "error") {
    return (
      <Shell aside={<SignOutButton />}>
        <p role="alert" className="text-sm">
          {bootstrap.message}
        </p>
      </Shell>
    );
  }
  if (!current) {
    return (
      <Shell aside={<SignOutButton />}>
        <p className="text-sm text-muted-foreground">Setting up your workspace…</p>
      </Shell>
    );
  }
  return (
    <Shell
      aside={
        <div className="flex items-center gap-3">
          <span className="text-sm text-muted-foreground" data-testid="current-user">
            {current.user.name ?? current.user.email}
          </span>
          <SignOutButton />
        </div>
      }
    >
      <Card>
        <CardHeader>
          <div className="flex items-center justify-between gap-2">
            <CardTitle className="text-2xl" data-testid="organization-name">
              {current.name}
            </CardTitle>
            <div className="flex gap-2">
              <Badge variant="secondary">{current.plan} plan</Badge>
              <Badge data-testid="member-role">{current.role}</Badge>
            </div>
          </div>
          <CardDescription>
            Your organization id for the embed snippet is{" "}
            <code className="font-mono text-foreground">{current.organizationId}</code>.
          </CardDescription>
        </CardHeader>
      </Card>

      <section aria-labelledby="upcoming-heading" className="flex flex-col gap-3">
        <h2 id="upcoming-heading" className="text-sm font-medium text-muted-foreground">
          Coming next
        </h2>
        <div className="grid gap-4 sm:grid-cols-3">
          {upcomingSections.map((section) => (
            <Card key={section.title}>
              <CardHeader>
                <div className="flex items-center justify-between gap-2">
                  <CardTitle>{section.title}</CardTitle>
                  <Badge variant="secondary">Soon</Badge>
                </div>
                <CardDescription>{section.description}</CardDescription>
              </CardHeader>
            </Card>
          ))}
        </div>
      </section>
    </Shell>
  );
}

/** The dashboard home: signed-in members see their organization; others are sent to sign in. */
export function DashboardView() {
  if (!env.NEXT_PUBLIC_CONVEX_URL) return <NoBackend />;
  return (
    <RequireMember
      fallback={
        <Shell>
          <p className="text-sm text-muted-foreground">Loading…</p>
        </Shell>
      }
    >
      <Workspace />
    </RequireMember>
  );
}
