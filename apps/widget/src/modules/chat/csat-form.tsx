import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { Csat } from "@parley/backend/validators";
import { useMutation } from "convex/react";
import { useState, type FormEvent } from "react";

import { Button } from "../widget/controls";
import { describeError } from "../widget/describe-error";
import { ErrorNotice } from "../widget/states";

const RATINGS = [
  { value: 1, label: "Very poor" },
  { value: 2, label: "Poor" },
  { value: 3, label: "Okay" },
  { value: 4, label: "Good" },
  { value: 5, label: "Great" },
] as const;

/**
 * Rate an ended conversation from 1 to 5 with an optional comment. A rating
 * can be changed later (the backend keeps the latest).
 */
export function CsatForm({
  sessionToken,
  conversationId,
  csat,
}: {
  sessionToken: string;
  conversationId: Id<"conversations">;
  csat: Csat | undefined;
}) {
  const rate = useMutation(api.public.conversations.rate);
  const [editing, setEditing] = useState(false);
  const [rating, setRating] = useState<number | undefined>(csat?.rating);
  const [comment, setComment] = useState(csat?.comment ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  if (csat && !editing) {
    return (
      <div role="status" className="flex flex-col items-center gap-1 text-center text-sm">
        <p className="font-medium">Thanks for your feedback!</p>
        <p className="text-muted-foreground">
          You rated this conversation {csat.rating} out of 5.{" "}
          <button
            type="button"
            className="underline underline-offset-2"
            onClick={() => setEditing(true)}
          >
            Change
          </button>
        </p>
      </div>
    );
  }

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (rating === undefined) return;
    setPending(true);
    setError(undefined);
    try {
      await rate({ sessionToken, conversationId, rating, comment: comment.trim() || undefined });
      setEditing(false);
    } catch (caught) {
      setError(describeError(caught).message);
    } finally {
      setPending(false);
    }
  };

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="Rate this conversation">
      <fieldset className="flex flex-col items-center gap-2">
        <legend className="mb-2 text-center text-sm font-medium">How did we do?</legend>
        <div role="radiogroup" aria-label="Rating" className="flex gap-1">
          {RATINGS.map(({ value, label }) => (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={rating === value}
              aria-label={`${value} out of 5: ${label}`}
              title={label}
              onClick={() => setRating(value)}
              className={`size-9 rounded-full border text-sm font-medium ${
                rating !== undefined && value <= rating
                  ? "border-primary bg-primary text-primary-foreground"
                  : "hover:bg-muted"
              }`}
            >
              {value}
            </button>
          ))}
        </div>
      </fieldset>
      <textarea
        name="comment"
        aria-label="Comment (optional)"
        placeholder="Anything to add? (optional)"
        maxLength={1000}
        rows={2}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        className="w-full resize-none rounded-md border border-input bg-background px-3 py-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring/40"
      />
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <Button type="submit" disabled={rating === undefined || pending}>
        {pending ? "Sending…" : "Send feedback"}
      </Button>
    </form>
  );
}
