"use client";

import { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";
import { Skeleton } from "@parley/ui/components/skeleton";
import { usePaginatedQuery, useQuery } from "convex/react";
import Link from "next/link";

import { LoadingState } from "~/modules/dashboard/states";
import { SourceStatus } from "~/modules/knowledge-base/source-status";
import { AllowedDomainsWarning } from "~/modules/widget-settings/allowed-domains-warning";
import { EmbedSnippetCard } from "~/modules/widget-settings/embed-snippet-card";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { OnboardingChecklist } from "./onboarding-checklist";

const RECENT_SOURCES = 3;

function KnowledgeBaseCard() {
  const { results, status } = usePaginatedQuery(
    api.private.knowledgeBase.list,
    {},
    { initialNumItems: RECENT_SOURCES },
  );
  const recent = results.slice(0, RECENT_SOURCES);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Knowledge base</CardTitle>
        <CardDescription>What your assistant answers from.</CardDescription>
      </CardHeader>
      <CardContent className="flex-1">
        {status === "LoadingFirstPage" ? (
          <LoadingState label="Loading articles…" rows={2} />
        ) : recent.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No articles yet: the assistant can only hand visitors to your team.
          </p>
        ) : (
          <ul aria-label="Recent articles" className="flex flex-col gap-2">
            {recent.map((source) => (
              <li key={source._id} className="flex items-center justify-between gap-2 text-sm">
                <span className="truncate">{source.title}</span>
                <SourceStatus source={source} />
              </li>
            ))}
          </ul>
        )}
      </CardContent>
      <CardFooter>
        <Button asChild variant="outline" size="sm">
          <Link href="/knowledge-base">Open the knowledge base</Link>
        </Button>
      </CardFooter>
    </Card>
  );
}

function WidgetCard({ domains }: { domains: string[] | undefined }) {
  const settings = useQuery(api.private.widgetSettings.get, {});
  return (
    <Card>
      <CardHeader>
        <CardTitle>Widget</CardTitle>
        <CardDescription>The chat on your website.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-1 flex-col gap-3 text-sm">
        {settings === undefined ? (
          <Skeleton className="h-16 w-full" />
        ) : settings === null ? (
          <p className="text-muted-foreground">Not set up yet.</p>
        ) : (
          <>
            <div className="flex items-center gap-2">
              <span
                aria-hidden="true"
                className="size-4 rounded-full border"
                style={{ backgroundColor: settings.primaryColor }}
              />
              <span className="font-medium">{settings.agentName}</span>
            </div>
            <p className="line-clamp-3 text-muted-foreground" data-testid="overview-greeting">
              “{settings.greeting}”
            </p>
            {domains && domains.length > 0 && (
              <p className="text-muted-foreground">
                Runs on {domains.length === 1 ? domains[0] : `${domains.length} domains`}.
              </p>
            )}
          </>
        )}
      </CardContent>
      <CardFooter>
        <Button asChild variant="outline" size="sm">
          <Link href="/widget">Widget settings</Link>
        </Button>
      </CardFooter>
    </Card>
  );
}

/** The dashboard home: the organization at a glance, and what to set up next. */
export function OverviewView() {
  const workspace = useWorkspace();
  const settings = useQuery(api.private.widgetSettings.get, {});
  return (
    <>
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="organization-name">
            {workspace.name}
          </h1>
          <Badge variant="secondary">{workspace.plan} plan</Badge>
          <Badge data-testid="member-role">{workspace.role}</Badge>
        </div>
        <p className="text-sm text-muted-foreground">
          Organization id{" "}
          <code className="font-mono text-foreground">{workspace.organizationId}</code>
        </p>
      </div>

      <OnboardingChecklist />

      {settings && settings.allowedDomains.length === 0 && <AllowedDomainsWarning linkToSettings />}

      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader>
            <div className="flex items-center justify-between gap-2">
              <CardTitle>Conversations</CardTitle>
              <Badge variant="secondary">Soon</Badge>
            </div>
            <CardDescription>
              Every visitor chat, with the assistant&apos;s answers and handoffs to your team, in
              one live inbox.
            </CardDescription>
          </CardHeader>
        </Card>
        <KnowledgeBaseCard />
        <WidgetCard domains={settings?.allowedDomains} />
      </div>

      <div id="install" className="scroll-mt-4">
        <EmbedSnippetCard />
      </div>
    </>
  );
}
