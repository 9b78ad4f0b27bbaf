import type { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import type { FunctionReturnType } from "convex/server";

export type KnowledgeSource = FunctionReturnType<
  typeof api.private.knowledgeBase.list
>["page"][number];

type Status = KnowledgeSource["status"];

const LABELS: Record<
  Status,
  { text: string; variant: "success" | "secondary" | "destructive" | "outline" }
> = {
  queued: { text: "Queued", variant: "outline" },
  extracting: { text: "Reading", variant: "secondary" },
  chunking: { text: "Splitting into passages", variant: "secondary" },
  embedding: { text: "Embedding", variant: "secondary" },
  // Rows written before "embedding" had its name.
  pending: { text: "Embedding", variant: "secondary" },
  ready: { text: "Ready", variant: "success" },
  failed: { text: "Failed", variant: "destructive" },
};

/** Whether the source is still being indexed (its status will change by itself). */
export function isWorking(status: Status) {
  return status !== "ready" && status !== "failed";
}

/** Where a source is in its indexing, live, with progress while it is embedded. */
export function SourceStatus({ source }: { source: KnowledgeSource }) {
  const label = LABELS[source.status];
  const progress =
    isWorking(source.status) && source.progress && source.progress.total > 0
      ? source.progress
      : null;
  return (
    <span className="inline-flex items-center gap-2">
      <Badge variant={label.variant} data-testid="source-status" aria-live="polite">
        {label.text}
      </Badge>
      {progress && (
        <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground">
          <progress
            className="h-1.5 w-20 overflow-hidden rounded-full [&::-webkit-progress-bar]:bg-muted [&::-webkit-progress-value]:bg-primary"
            value={progress.done}
            max={progress.total}
            aria-label={`${label.text}: ${progress.done} of ${progress.total}`}
          />
          {progress.done}/{progress.total}
        </span>
      )}
    </span>
  );
}

const KIND_LABELS: Record<KnowledgeSource["kind"], string> = {
  text: "Article",
  url: "Web page",
  sitemap: "Sitemap",
  file: "File",
};

export function kindLabel(kind: KnowledgeSource["kind"]) {
  return KIND_LABELS[kind];
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "5 minutes ago", "yesterday": when a page was last crawled. */
export function timeAgo(time: number, now = Date.now()) {
  const elapsed = time - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return relative.format(Math.round(elapsed / ms), unit);
  }
  return "just now";
}
