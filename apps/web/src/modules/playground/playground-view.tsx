"use client";

import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import { Label } from "@parley/ui/components/label";
import { Textarea } from "@parley/ui/components/textarea";
import { cn } from "@parley/ui/lib/utils";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { ErrorIcon, InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { MessageMarkdown } from "~/modules/inbox/markdown";
import { useWorkspace } from "~/modules/workspace/workspace-context";

type Run = FunctionReturnType<typeof api.private.playground.get>;
type RunId = Id<"playgroundRuns">;
type Rating = "good" | "bad";

/** Longest question the backend takes (`MAX_PLAYGROUND_QUESTION` in private/playground.ts). */
const MAX_QUESTION = 500;
const HISTORY_PAGE = 10;

const percent = (share: number) => `${Math.round(share * 100)}%`;

function PassageList({ passages }: { passages: Run["passages"] }) {
  if (passages.length === 0) {
    return (
      <p className="text-sm text-muted-foreground" data-testid="no-passages">
        The search found no passage for this question.
      </p>
    );
  }
  return (
    <ol aria-label="Retrieved passages" className="flex flex-col gap-2">
      {passages.map((passage, index) => (
        <li
          key={index}
          data-testid="passage"
          data-cited={passage.cited}
          className={cn(
            "flex flex-col gap-1 rounded-lg border p-3 text-sm",
            passage.cited && "border-primary",
          )}
        >
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">
              {passage.title}
              {passage.section && (
                <span className="text-muted-foreground"> › {passage.section}</span>
              )}
            </span>
            {passage.cited && <Badge>Cited</Badge>}
            {passage.coverage !== undefined && (
              <Badge variant="outline" data-testid="coverage">
                covers {percent(passage.coverage)}
              </Badge>
            )}
            {passage.score !== undefined && (
              <Badge variant="outline" data-testid="score">
                BM25 {passage.score.toFixed(2)}
              </Badge>
            )}
            {passage.coverage === undefined && <Badge variant="outline">found by meaning</Badge>}
          </div>
          {passage.terms.length > 0 && (
            <p className="flex flex-wrap gap-1 text-xs" aria-label="Question terms">
              {passage.terms.map((term) => (
                <span
                  key={term.term}
                  title={`weight ${term.weight.toFixed(2)}`}
                  className={cn(
                    "rounded px-1.5 py-0.5",
                    term.matched
                      ? "bg-success/15 text-foreground"
                      : "bg-muted text-muted-foreground line-through",
                  )}
                >
                  {term.term}
                </span>
              ))}
            </p>
          )}
          <p className="line-clamp-4 text-xs whitespace-pre-line text-muted-foreground">
            {passage.text}
          </p>
        </li>
      ))}
    </ol>
  );
}

function RatingButtons({ run }: { run: Run }) {
  const rate = useMutation(api.private.playground.rate);
  const [saving, setSaving] = useState(false);
  const choose = async (rating: Rating) => {
    setSaving(true);
    try {
      await rate({ runId: run._id, rating: run.rating === rating ? null : rating });
    } catch (error) {
      toast.error(readAppError(error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="flex items-center gap-2" role="group" aria-label="Rate this answer">
      {(["good", "bad"] as const).map((rating) => (
        <Button
          key={rating}
          size="sm"
          variant={run.rating === rating ? "default" : "outline"}
          aria-pressed={run.rating === rating}
          disabled={saving || run.status === "answering"}
          onClick={() => choose(rating)}
        >
          {rating === "good" ? "Good answer" : "Bad answer"}
        </Button>
      ))}
    </div>
  );
}

/** One question's answer, streaming, with what the agent retrieved and why it did (not) answer. */
function RunResult({ runId, canRate }: { runId: RunId; canRate: boolean }) {
  const run = useQuery(api.private.playground.get, { runId });
  if (run === undefined) return <LoadingState label="Loading the answer…" rows={2} />;
  return (
    <section aria-label="Answer" className="flex flex-col gap-4 rounded-xl border bg-card p-4">
      <div className="flex flex-col gap-1">
        <p className="text-xs text-muted-foreground">Visitor asked</p>
        <p className="font-medium">{run.question}</p>
      </div>
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-2 text-xs text-muted-foreground">
          Agent answered
          <Badge variant="outline">
            {run.responder === "model" ? "AI model" : "Local responder"}
          </Badge>
          {run.abstained && <Badge variant="warning">Did not know</Badge>}
          {run.status === "failed" && <Badge variant="destructive">Failed</Badge>}
        </div>
        <div
          data-testid="playground-answer"
          aria-live="polite"
          aria-busy={run.status === "answering"}
        >
          {run.answer ? (
            <MessageMarkdown text={run.answer} />
          ) : (
            <p className="animate-pulse text-sm text-muted-foreground">Typing…</p>
          )}
        </div>
      </div>
      {run.abstentionReason && (
        <Alert data-testid="abstention-reason">
          <InfoIcon />
          <AlertTitle>Why the agent did not answer</AlertTitle>
          <AlertDescription>
            <p>{run.abstentionReason}</p>
            <p>Add an article that covers it, then ask again.</p>
          </AlertDescription>
        </Alert>
      )}
      {run.status !== "answering" && (
        <div className="flex flex-col gap-2">
          <h2 className="text-sm font-medium">Passages the search returned</h2>
          <PassageList passages={run.passages} />
        </div>
      )}
      {canRate && run.status !== "answering" && <RatingButtons run={run} />}
    </section>
  );
}

function History({ onOpen }: { onOpen: (runId: RunId) => void }) {
  const [rating, setRating] = useState<Rating | "all">("all");
  const { results, status, loadMore } = usePaginatedQuery(
    api.private.playground.list,
    rating === "all" ? {} : { rating },
    { initialNumItems: HISTORY_PAGE },
  );
  return (
    <section aria-label="Earlier questions" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-medium">Earlier questions</h2>
        <div className="flex gap-1" role="group" aria-label="Filter by rating">
          {(["all", "good", "bad"] as const).map((value) => (
            <Button
              key={value}
              size="sm"
              variant={rating === value ? "secondary" : "ghost"}
              aria-pressed={rating === value}
              onClick={() => setRating(value)}
            >
              {value === "all" ? "All" : value === "good" ? "Rated good" : "Rated bad"}
            </Button>
          ))}
        </div>
      </div>
      {status === "LoadingFirstPage" ? (
        <LoadingState label="Loading earlier questions…" rows={2} />
      ) : results.length === 0 ? (
        <EmptyState title={rating === "all" ? "No questions yet" : "No answers rated so yet"}>
          {rating === "all"
            ? "Questions you ask here are kept so you can compare answers after editing articles."
            : "Mark answers good or bad to find them here."}
        </EmptyState>
      ) : (
        <ul className="flex flex-col divide-y rounded-xl border bg-card text-sm">
          {results.map((run) => (
            <li
              key={run._id}
              className="flex flex-wrap items-center justify-between gap-2 px-4 py-2"
            >
              <button
                type="button"
                className="min-w-0 flex-1 truncate text-left hover:underline"
                onClick={() => onOpen(run._id)}
              >
                {run.question}
              </button>
              <span className="flex gap-1">
                {run.abstained && <Badge variant="warning">Did not know</Badge>}
                {run.rating && (
                  <Badge variant={run.rating === "good" ? "success" : "destructive"}>
                    {run.rating === "good" ? "Good" : "Bad"}
                  </Badge>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {status === "CanLoadMore" && (
        <Button variant="outline" className="self-center" onClick={() => loadMore(HISTORY_PAGE)}>
          Load more
        </Button>
      )}
    </section>
  );
}

/**
 * "Test your agent": ask a question as a visitor would and see how the real
 * agent answers it, what it found and why. Nothing asked here reaches the
 * inbox, analytics or knowledge gaps. Admins can mark answers good or bad.
 */
export function PlaygroundView() {
  const { isAdmin } = useWorkspace();
  const ask = useMutation(api.private.playground.ask);
  const [question, setQuestion] = useState("");
  const [runId, setRunId] = useState<RunId | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAsking(true);
    setError(null);
    try {
      setRunId(await ask({ question }));
      setQuestion("");
    } catch (caught) {
      setError(readAppError(caught).message);
    } finally {
      setAsking(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Test your agent"
        description="Ask what a visitor would ask. See the answer, the passages it came from and why the agent did not answer when it could not. Nothing here reaches your inbox."
      />
      <form onSubmit={submit} className="flex flex-col gap-2">
        <Label htmlFor="playground-question">Question</Label>
        <Textarea
          id="playground-question"
          rows={2}
          maxLength={MAX_QUESTION}
          value={question}
          placeholder="How long does delivery take?"
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        {error && (
          <Alert variant="destructive" role="alert">
            <ErrorIcon />
            <AlertDescription>
              <p>{error}</p>
            </AlertDescription>
          </Alert>
        )}
        <Button type="submit" className="self-start" disabled={asking || !question.trim()}>
          {asking ? "Asking…" : "Ask"}
        </Button>
      </form>
      {runId && <RunResult key={runId} runId={runId} canRate={isAdmin} />}
      <History onOpen={setRunId} />
    </>
  );
}
