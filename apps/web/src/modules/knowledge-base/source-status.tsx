import type { api } from "@parley/backend/api";
import { Badge } from "@parley/ui/components/badge";
import type { FunctionReturnType } from "convex/server";

export type KnowledgeSource = FunctionReturnType<
  typeof api.private.knowledgeBase.list
>["page"][number];

const LABELS = {
  ready: { text: "Ready", variant: "success" },
  pending: { text: "Processing", variant: "secondary" },
  failed: { text: "Failed", variant: "destructive" },
} as const;

/** Whether the assistant can answer from a source yet. */
export function SourceStatus({ status }: { status: KnowledgeSource["status"] }) {
  const label = LABELS[status];
  return (
    <Badge variant={label.variant} data-testid="source-status">
      {label.text}
    </Badge>
  );
}

const KIND_LABELS: Record<KnowledgeSource["kind"], string> = {
  text: "Article",
  url: "Web page",
  file: "File",
};

export function kindLabel(kind: KnowledgeSource["kind"]) {
  return KIND_LABELS[kind];
}
