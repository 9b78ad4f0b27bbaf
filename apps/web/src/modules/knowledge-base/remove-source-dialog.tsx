"use client";

import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@parley/ui/components/alert-dialog";
import { Button } from "@parley/ui/components/button";
import { useMutation } from "convex/react";
import { useState } from "react";

import type { KnowledgeSource } from "./source-status";

/** Remove a source after asking; the dialog stays open (with the reason) if it fails. */
export function RemoveSourceDialog({
  source,
  onRemoved,
}: {
  source: KnowledgeSource;
  onRemoved: (title: string) => void;
}) {
  const remove = useMutation(api.private.knowledgeBase.remove);
  const [open, setOpen] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setRemoving(true);
    setError(null);
    try {
      await remove({ sourceId: source._id });
      setOpen(false);
      onRemoved(source.title);
    } catch (caught) {
      setError(readAppError(caught).message);
    } finally {
      setRemoving(false);
    }
  };

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Remove ${source.title}`}>
          Remove
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Remove “{source.title}”?</AlertDialogTitle>
          <AlertDialogDescription>
            The assistant stops answering from it at once. Conversations that already cited it keep
            their messages. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <AlertDialogFooter>
          <AlertDialogCancel disabled={removing}>Cancel</AlertDialogCancel>
          <AlertDialogAction
            variant="destructive"
            disabled={removing}
            onClick={(event) => {
              // Stay open until the removal is done, so a failure can be shown here.
              event.preventDefault();
              void confirm();
            }}
          >
            {removing ? "Removing…" : "Remove"}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
