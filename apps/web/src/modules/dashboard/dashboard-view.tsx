"use client";

import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";

import { env } from "~/env";

const upcomingSections = [
  {
    title: "Conversations",
    description: "Every visitor chat, with AI replies and a handoff to your team.",
  },
  {
    title: "Knowledge base",
    description: "The documents the assistant answers from.",
  },
  {
    title: "Widget",
    description: "Greeting, colours and the snippet to paste on your site.",
  },
] as const;

export function DashboardView() {
  const convexUrl = env.NEXT_PUBLIC_CONVEX_URL;

  return (
    <div className="min-h-dvh bg-muted/40">
      <header className="border-b bg-background">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between px-6">
          <span className="text-lg font-semibold tracking-tight">Parley</span>
          {convexUrl ? (
            <Badge variant="success">Backend configured</Badge>
          ) : (
            <Badge variant="warning">Backend not configured</Badge>
          )}
        </div>
      </header>

      <main className="mx-auto flex max-w-5xl flex-col gap-6 px-6 py-10">
        <Card>
          <CardHeader>
            <CardTitle className="text-2xl">Parley dashboard</CardTitle>
            <CardDescription>
              Sign in is coming with the local runtime. Until then, this page shows that the
              dashboard, the shared UI and the theme build together.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Button disabled>Sign in</Button>
          </CardContent>
        </Card>

        <Card className={convexUrl ? undefined : "border-warning"}>
          <CardHeader>
            <CardTitle>Backend</CardTitle>
            <CardDescription>
              {convexUrl ? (
                <>
                  Talking to <code className="font-mono text-foreground">{convexUrl}</code>.
                </>
              ) : (
                <>
                  No backend is configured. Set{" "}
                  <code className="font-mono text-foreground">NEXT_PUBLIC_CONVEX_URL</code> in{" "}
                  <code className="font-mono text-foreground">apps/web/.env.local</code> (see{" "}
                  <code className="font-mono text-foreground">.env.example</code>) and restart the
                  dev server.
                </>
              )}
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
      </main>
    </div>
  );
}
