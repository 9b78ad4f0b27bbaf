"use client";

import { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";
import { cn } from "@parley/ui/lib/utils";
import { useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import Link from "next/link";

import { CheckIcon, CircleIcon } from "~/modules/dashboard/icons";
import { LoadingState } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

type Progress = FunctionReturnType<typeof api.private.onboarding.get>;

type Step = {
  key: keyof Progress;
  title: string;
  description: string;
  action: { label: string; href: string; external?: boolean };
};

function steps(organizationId: string): Step[] {
  return [
    {
      key: "knowledge",
      title: "Add knowledge",
      description: "Give the assistant your help articles and policies to answer from.",
      action: { label: "Add an article", href: "/knowledge-base" },
    },
    {
      key: "widget",
      title: "Customize the widget",
      description: "Name your assistant, set its greeting and your brand color.",
      action: { label: "Widget settings", href: "/widget" },
    },
    {
      key: "installed",
      title: "Install the snippet",
      description:
        "Paste the tag below on your site; this ticks once a visitor uses the chat there.",
      action: { label: "See the snippet", href: "#install" },
    },
    {
      key: "tested",
      title: "Test the widget",
      description: "Open the chat on a test page and talk to your assistant as a visitor would.",
      action: {
        label: "Open the test page",
        href: `/try-widget?organizationId=${encodeURIComponent(organizationId)}`,
        external: true,
      },
    },
    {
      key: "teammate",
      title: "Invite a teammate",
      description: "Add an operator to answer the conversations the assistant hands over.",
      action: { label: "Add a member", href: "/members" },
    },
  ];
}

/**
 * What a new organization still has to set up, each step ticked from real
 * data (`private/onboarding.get`). Shown to admins, who can do the steps, and
 * gone once every step is done.
 */
export function OnboardingChecklist() {
  const { organizationId, isAdmin } = useWorkspace();
  const progress = useQuery(
    api.private.onboarding.get,
    isAdmin
      ? { dashboardOrigin: typeof window === "undefined" ? undefined : window.location.origin }
      : "skip",
  );
  if (!isAdmin) return null;
  if (progress === undefined) {
    return <LoadingState label="Loading your setup checklist…" rows={1} />;
  }
  const all = steps(organizationId);
  const done = all.filter((step) => progress[step.key]).length;
  if (done === all.length) return null;

  return (
    <Card data-testid="onboarding-checklist">
      <CardHeader>
        <div className="flex items-center justify-between gap-2">
          <CardTitle>Get Parley ready</CardTitle>
          <Badge variant="secondary" data-testid="onboarding-progress">
            {done} of {all.length} done
          </Badge>
        </div>
        <CardDescription>Each step ticks itself once it is done.</CardDescription>
      </CardHeader>
      <CardContent>
        <ol aria-label="Setup checklist" className="flex flex-col divide-y">
          {all.map((step) => {
            const complete = progress[step.key];
            return (
              <li
                key={step.key}
                data-state={complete ? "done" : "todo"}
                aria-label={`${step.title}: ${complete ? "done" : "to do"}`}
                className="flex flex-wrap items-center justify-between gap-3 py-3"
              >
                <div className="flex min-w-0 items-start gap-3">
                  <span
                    className={cn("mt-0.5", complete ? "text-success" : "text-muted-foreground")}
                  >
                    {complete ? <CheckIcon /> : <CircleIcon />}
                  </span>
                  <div className="flex min-w-0 flex-col">
                    <span
                      className={cn(
                        "font-medium",
                        complete && "text-muted-foreground line-through",
                      )}
                    >
                      {step.title}
                    </span>
                    <span className="text-xs text-muted-foreground">{step.description}</span>
                  </div>
                </div>
                {!complete && (
                  <Button asChild variant="outline" size="sm">
                    {step.action.external ? (
                      <a href={step.action.href} target="_blank" rel="noopener">
                        {step.action.label}
                      </a>
                    ) : (
                      <Link href={step.action.href}>{step.action.label}</Link>
                    )}
                  </Button>
                )}
              </li>
            );
          })}
        </ol>
      </CardContent>
    </Card>
  );
}
