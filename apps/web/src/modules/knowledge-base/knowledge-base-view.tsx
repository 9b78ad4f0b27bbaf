"use client";

import { api } from "@parley/backend/api";
import { Alert, AlertDescription } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import { readAppError } from "@parley/backend/errors";
import { useMutation, usePaginatedQuery } from "convex/react";
import { RefreshCw } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";

import { CheckIcon, InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { AddArticleDialog } from "./add-article-dialog";
import { AddUrlDialog } from "./add-url-dialog";
import { RemoveSourceDialog } from "./remove-source-dialog";
import { isWorking, kindLabel, SourceStatus, timeAgo, type KnowledgeSource } from "./source-status";
import { UploadFiles } from "./upload-files";

const PAGE_SIZE = 20;

/** Read a file again, or crawl a page or sitemap again. */
function ReindexButton({ source }: { source: KnowledgeSource }) {
  const reindex = useMutation(api.private.knowledgeBase.reindex);
  const [error, setError] = useState<string | null>(null);
  const label = source.kind === "file" ? "Re-index" : "Re-crawl";
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant="outline"
        size="sm"
        disabled={isWorking(source.status)}
        aria-label={`${label} ${source.title}`}
        onClick={async () => {
          setError(null);
          try {
            await reindex({ sourceId: source._id });
          } catch (caught) {
            setError(readAppError(caught).message);
          }
        }}
      >
        <RefreshCw aria-hidden />
        {label}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-destructive">
          {error}
        </span>
      )}
    </span>
  );
}

function SourceRow({
  source,
  canRemove,
  onRemoved,
}: {
  source: KnowledgeSource;
  canRemove: boolean;
  onRemoved: (title: string) => void;
}) {
  return (
    <li
      className="flex flex-wrap items-start justify-between gap-3 px-4 py-3"
      data-testid="knowledge-source"
    >
      <div className="flex min-w-0 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{source.title}</span>
          <SourceStatus source={source} />
          <Badge variant="outline">{kindLabel(source.kind)}</Badge>
        </div>
        <p className="text-xs text-muted-foreground">
          {source.kind === "sitemap" ? (
            <span data-testid="page-count">
              {source.progress
                ? source.progress.done < source.progress.total
                  ? `${source.progress.done} of its ${source.progress.total} pages imported (your plan's limit)`
                  : `${source.progress.done} pages imported`
                : "pages not read yet"}
            </span>
          ) : (
            <span data-testid="chunk-count">
              {source.chunkCount} {source.chunkCount === 1 ? "passage" : "passages"}
            </span>
          )}
          {source.fileName && source.fileName !== source.title && (
            <>
              {" · "}
              {source.fileName}
            </>
          )}
          {" · "}
          {source.lastCrawledAt !== undefined
            ? `crawled ${timeAgo(source.lastCrawledAt)}`
            : `updated ${new Date(source.updatedAt).toLocaleString()}`}
          {source.url && (
            <>
              {" · "}
              <a
                href={source.url}
                target="_blank"
                rel="noopener noreferrer"
                className="underline underline-offset-2 hover:text-foreground"
              >
                {source.url}
              </a>
            </>
          )}
        </p>
        {source.status === "failed" && source.error && (
          <p className="text-xs text-destructive">{source.error}</p>
        )}
      </div>
      {canRemove && (
        <div className="flex items-start gap-2">
          {source.kind !== "text" && <ReindexButton source={source} />}
          <RemoveSourceDialog source={source} onRemoved={onRemoved} />
        </div>
      )}
    </li>
  );
}

/** The organization's knowledge base: what the assistant answers from. */
export function KnowledgeBaseView() {
  const { isAdmin } = useWorkspace();
  const { results, status, loadMore } = usePaginatedQuery(
    api.private.knowledgeBase.list,
    {},
    { initialNumItems: PAGE_SIZE },
  );
  const [notice, setNotice] = useState<string | null>(null);
  // `?newArticle=<title>` (from Knowledge gaps) opens the editor with that title.
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const prefillTitle = searchParams.get("newArticle")?.slice(0, 200) || undefined;

  const addButton = isAdmin ? (
    <div className="flex flex-wrap gap-2">
      <AddUrlDialog onAdded={setNotice} />
      <AddArticleDialog
        key={prefillTitle ?? ""}
        prefillTitle={prefillTitle}
        onAdded={(title) => {
          setNotice(`Added “${title}”.`);
          if (prefillTitle) router.replace(pathname);
        }}
      />
    </div>
  ) : null;

  return (
    <>
      <PageHeader
        title="Knowledge base"
        description="The articles, files and web pages your assistant answers from. Answers cite the section they use."
        actions={status === "LoadingFirstPage" || results.length === 0 ? null : addButton}
      />
      {!isAdmin && (
        <Alert data-testid="read-only-notice">
          <InfoIcon />
          <AlertDescription>
            Only admins can add, re-index or remove sources. You can see what the assistant knows.
          </AlertDescription>
        </Alert>
      )}
      <p role="status" className="empty:hidden">
        {notice && (
          <span className="inline-flex items-center gap-2 text-sm text-muted-foreground">
            <CheckIcon />
            {notice}
          </span>
        )}
      </p>

      {isAdmin && <UploadFiles onAdded={setNotice} />}

      {status === "LoadingFirstPage" ? (
        <LoadingState label="Loading articles…" />
      ) : results.length === 0 ? (
        <EmptyState title="No articles yet" action={addButton}>
          {isAdmin
            ? "Upload your help center's files, import its pages, or write an article. Until then the assistant can only offer to connect visitors with your team."
            : "An admin of your organization can add help articles for the assistant to answer from."}
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-3">
          <ul
            aria-label="Knowledge sources"
            className="flex flex-col divide-y rounded-xl border bg-card"
          >
            {results.map((source) => (
              <SourceRow
                key={source._id}
                source={source}
                canRemove={isAdmin}
                onRemoved={(title) => setNotice(`Removed “${title}”.`)}
              />
            ))}
          </ul>
          {status === "CanLoadMore" && (
            <Button variant="outline" className="self-center" onClick={() => loadMore(PAGE_SIZE)}>
              Load more
            </Button>
          )}
          {status === "LoadingMore" && <LoadingState label="Loading more articles…" rows={1} />}
        </div>
      )}
    </>
  );
}
