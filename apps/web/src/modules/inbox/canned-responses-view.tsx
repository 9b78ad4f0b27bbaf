"use client";

import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription } from "@parley/ui/components/alert";
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
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@parley/ui/components/dialog";
import { Input } from "@parley/ui/components/input";
import { Label } from "@parley/ui/components/label";
import { Textarea } from "@parley/ui/components/textarea";
import { useMutation, useQuery } from "convex/react";
import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";

import { ErrorIcon, InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import type { CannedResponse } from "./data";

const EMPTY = { title: "", shortcut: "", body: "" };

/** Create (no `response`) or edit a canned response. Errors from the backend show as they are. */
function ResponseDialog({ response }: { response?: CannedResponse }) {
  const create = useMutation(api.private.cannedResponses.create);
  const update = useMutation(api.private.cannedResponses.update);
  const [open, setOpen] = useState(false);
  const initial = response
    ? { title: response.title, shortcut: response.shortcut, body: response.body }
    : EMPTY;
  const [fields, setFields] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      if (response) await update({ id: response._id, ...fields });
      else await create(fields);
      toast.success(response ? "Response saved" : `Added /${fields.shortcut.replace(/^\//, "")}`);
      setOpen(false);
      if (!response) setFields(EMPTY);
    } catch (caught) {
      setError(readAppError(caught).message);
    } finally {
      setSaving(false);
    }
  };

  const id = response?._id ?? "new";
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
        if (next && response) setFields(initial);
      }}
    >
      <DialogTrigger asChild>
        {response ? (
          <Button variant="ghost" size="sm" aria-label={`Edit /${response.shortcut}`}>
            Edit
          </Button>
        ) : (
          <Button>New response</Button>
        )}
      </DialogTrigger>
      <DialogContent className="sm:max-w-xl">
        <form onSubmit={submit} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle>{response ? "Edit canned response" : "New canned response"}</DialogTitle>
            <DialogDescription>
              Operators insert it by typing <code className="font-mono">/</code> and its shortcut in
              the reply box. <code className="font-mono">{"{{contact.name}}"}</code> becomes the
              visitor&apos;s first name (or “there”),{" "}
              <code className="font-mono">{"{{agent.name}}"}</code> the operator&apos;s name.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`canned-title-${id}`}>Title</Label>
            <Input
              id={`canned-title-${id}`}
              value={fields.title}
              onChange={(event) => setFields({ ...fields, title: event.target.value })}
              placeholder="Refund policy"
            />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`canned-shortcut-${id}`}>Shortcut</Label>
            <Input
              id={`canned-shortcut-${id}`}
              value={fields.shortcut}
              onChange={(event) => setFields({ ...fields, shortcut: event.target.value })}
              placeholder="refund"
              className="font-mono"
            />
            <p className="text-xs text-muted-foreground">
              Lowercase letters, digits and dashes, like “refund-policy”.
            </p>
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor={`canned-body-${id}`}>Text</Label>
            <Textarea
              id={`canned-body-${id}`}
              rows={6}
              value={fields.body}
              onChange={(event) => setFields({ ...fields, body: event.target.value })}
              placeholder={"Hi {{contact.name}}, {{agent.name}} here. …"}
            />
          </div>
          {error && (
            <Alert variant="destructive" role="alert">
              <ErrorIcon />
              <AlertDescription>
                <p>{error}</p>
              </AlertDescription>
            </Alert>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={saving}>
              {saving ? "Saving…" : response ? "Save" : "Add response"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RemoveDialog({ response }: { response: CannedResponse }) {
  const remove = useMutation(api.private.cannedResponses.remove);
  const [open, setOpen] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <AlertDialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Delete /${response.shortcut}`}>
          Delete
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete /{response.shortcut}?</AlertDialogTitle>
          <AlertDialogDescription>
            Operators can no longer insert “{response.title}”. Replies already sent stay as they
            are.
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
              event.preventDefault();
              setRemoving(true);
              setError(null);
              remove({ id: response._id })
                .then(() => {
                  setOpen(false);
                  toast.success(`Deleted /${response.shortcut}`);
                })
                .catch((caught: unknown) => setError(readAppError(caught).message))
                .finally(() => setRemoving(false));
            }}
          >
            {removing ? "Deleting…" : "Delete"}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

/** The team's canned responses: admins manage them, operators read them. */
export function CannedResponsesView() {
  const { isAdmin } = useWorkspace();
  const responses = useQuery(api.private.cannedResponses.list, {});
  const addButton = isAdmin ? <ResponseDialog /> : null;
  return (
    <>
      <Link
        href="/conversations"
        className="inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden="true" /> Conversations
      </Link>
      <PageHeader
        title="Canned responses"
        description="Saved replies operators insert with / in the reply box."
        actions={responses && responses.length > 0 ? addButton : null}
      />
      {!isAdmin && (
        <Alert data-testid="read-only-notice">
          <InfoIcon />
          <AlertDescription>
            Only admins can add, change or delete canned responses. You can use them in any reply.
          </AlertDescription>
        </Alert>
      )}
      {responses === undefined ? (
        <LoadingState label="Loading canned responses…" />
      ) : responses.length === 0 ? (
        <EmptyState title="No canned responses yet" action={addButton}>
          {isAdmin
            ? "Save the answers your team types again and again, then insert them with / while replying."
            : "An admin of your organization can add saved replies for the team."}
        </EmptyState>
      ) : (
        <ul
          aria-label="Canned responses"
          className="flex flex-col divide-y rounded-xl border bg-card"
        >
          {responses.map((response) => (
            <li
              key={response._id}
              className="flex flex-wrap items-start justify-between gap-3 px-4 py-3"
            >
              <div className="flex min-w-0 flex-1 flex-col gap-1">
                <span className="font-medium">
                  <span className="font-mono text-muted-foreground">/{response.shortcut}</span>{" "}
                  {response.title}
                </span>
                <p className="line-clamp-3 text-sm whitespace-pre-wrap text-muted-foreground">
                  {response.body}
                </p>
              </div>
              {isAdmin && (
                <div className="flex gap-1">
                  <ResponseDialog response={response} />
                  <RemoveDialog response={response} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
