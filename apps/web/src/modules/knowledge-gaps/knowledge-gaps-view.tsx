"use client";

import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import { useMutation, useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";

import { InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { relativeTime } from "~/modules/inbox/format";
import { useWorkspace } from "~/modules/workspace/workspace-context";

type Group = FunctionReturnType<typeof api.private.knowledgeGaps.groups>["groups"][number];

/** The knowledge-base page opens its article editor with this title (see `KnowledgeBaseView`). */
export function newArticleHref(question: string) {
  return `/knowledge-base?${new URLSearchParams({ newArticle: question })}`;
}

function GapRow({ group, now }: { group: Group; now: number }) {
  const resolve = useMutation(api.private.knowledgeGaps.resolve);
  const [busy, setBusy] = useState(false);
  const close = async (resolution: "dismissed" | "resolved") => {
    setBusy(true);
    try {
      await resolve({ gapIds: group.gapIds, resolution });
      toast.success(
        resolution === "resolved" ? `Marked “${group.question}” as answered.` : "Dismissed.",
      );
    } catch (error) {
      toast.error(readAppError(error).message);
      setBusy(false);
    }
  };
  return (
    <li data-testid="gap" className="flex flex-col gap-2 px-4 py-3">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{group.question}</span>
            <Badge variant="secondary" data-testid="gap-count">
              asked {group.count} {group.count === 1 ? "time" : "times"}
            </Badge>
          </div>
          {group.variants.length > 0 && (
            <p className="text-xs text-muted-foreground">
              Also asked as: {group.variants.map((variant) => `“${variant}”`).join(", ")}
            </p>
          )}
          <p className="flex flex-wrap gap-x-2 text-xs text-muted-foreground">
            <span>last {relativeTime(group.lastAskedAt, now)}</span>
            <span aria-hidden="true">·</span>
            {group.conversationIds.map((conversationId: Id<"conversations">, index) => (
              <Link
                key={conversationId}
                href={`/conversations?c=${conversationId}`}
                className="underline underline-offset-2 hover:text-foreground"
              >
                {group.conversationIds.length === 1
                  ? "Open conversation"
                  : `Conversation ${index + 1}`}
              </Link>
            ))}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button asChild size="sm">
            <Link href={newArticleHref(group.question)}>Add an article</Link>
          </Button>
          <Button size="sm" variant="outline" disabled={busy} onClick={() => close("resolved")}>
            Mark answered
          </Button>
          <Button size="sm" variant="ghost" disabled={busy} onClick={() => close("dismissed")}>
            Dismiss
          </Button>
        </div>
      </div>
    </li>
  );
}

/**
 * Knowledge gaps: questions visitors asked that the agent could not answer
 * from the knowledge base, grouped by similar wording, most asked first.
 * Admins add an article for one, or dismiss it. Playground questions never
 * appear here.
 */
export function KnowledgeGapsView() {
  const { isAdmin } = useWorkspace();
  const data = useQuery(api.private.knowledgeGaps.groups, isAdmin ? {} : "skip");
  const [now] = useState(() => Date.now());

  return (
    <>
      <PageHeader
        title="Knowledge gaps"
        description="Questions visitors asked that your agent could not answer from the knowledge base. Add an article for the ones that matter."
      />
      {!isAdmin ? (
        <Alert data-testid="admins-only">
          <InfoIcon />
          <AlertDescription>
            Only admins see knowledge gaps: they are the ones who add articles.
          </AlertDescription>
        </Alert>
      ) : data === undefined ? (
        <LoadingState label="Loading knowledge gaps…" />
      ) : data.groups.length === 0 ? (
        <EmptyState title="No knowledge gaps">
          When the agent cannot answer a visitor from your articles, the question appears here.
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-3">
          <ul
            aria-label="Unanswered questions"
            className="flex flex-col divide-y rounded-xl border bg-card"
          >
            {data.groups.map((group) => (
              <GapRow key={group.gapIds[0]} group={group} now={now} />
            ))}
          </ul>
          {data.truncated && (
            <p className="text-xs text-muted-foreground">
              Grouped from the 500 most recent open questions. Dismiss or answer some to see older
              ones.
            </p>
          )}
        </div>
      )}
    </>
  );
}
