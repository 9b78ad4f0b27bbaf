"use client";

import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription } from "@parley/ui/components/alert";
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
import { useMutation } from "convex/react";
import { useState, type FormEvent } from "react";

import { isUpgradeError, UpgradePrompt } from "~/modules/billing/upgrade";
import { ErrorIcon } from "~/modules/dashboard/icons";

/** Longest article the backend takes (`MAX_SOURCE_CHARACTERS` in private/knowledgeBase.ts). */
const MAX_TEXT = 100_000;

const EMPTY = { title: "", text: "", url: "" };

/**
 * Add a text article to the knowledge base. Admins only (the backend checks
 * too). `prefillTitle` opens it at once with that title, e.g. a visitor's
 * unanswered question from the Knowledge gaps screen.
 */
export function AddArticleDialog({
  onAdded,
  prefillTitle,
}: {
  onAdded: (title: string) => void;
  prefillTitle?: string;
}) {
  const addText = useMutation(api.private.knowledgeBase.addText);
  const [open, setOpen] = useState(Boolean(prefillTitle));
  const [article, setArticle] = useState(prefillTitle ? { ...EMPTY, title: prefillTitle } : EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await addText({
        title: article.title,
        text: article.text,
        ...(article.url.trim() ? { url: article.url.trim() } : {}),
      });
      onAdded(article.title.trim());
      setArticle(EMPTY);
      setOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        // Keep what was typed if the dialog is closed by mistake; only clear the error.
        setOpen(next);
        setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button>Add article</Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-2xl">
        <form onSubmit={submit} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle>Add an article</DialogTitle>
            <DialogDescription>
              The assistant answers from it as soon as it is added, and links to it when it does.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor="article-title">Title</Label>
            <Input
              id="article-title"
              value={article.title}
              onChange={(event) => setArticle({ ...article, title: event.target.value })}
              placeholder="Shipping and delivery"
            />
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="article-url">Link (optional)</Label>
            <Input
              id="article-url"
              type="url"
              value={article.url}
              onChange={(event) => setArticle({ ...article, url: event.target.value })}
              placeholder="https://example.com/help/shipping"
            />
            <p className="text-xs text-muted-foreground">
              Where visitors can read the full article; shown with answers that cite it.
            </p>
          </div>
          <div className="flex flex-col gap-2">
            <Label htmlFor="article-text">Text</Label>
            <Textarea
              id="article-text"
              rows={10}
              className="max-h-[50dvh]"
              value={article.text}
              onChange={(event) => setArticle({ ...article, text: event.target.value })}
            />
            <p className="text-xs text-muted-foreground">
              {article.text.length.toLocaleString()} / {MAX_TEXT.toLocaleString()} characters.
              Separate topics with blank lines.
            </p>
          </div>
          {error !== null &&
            (isUpgradeError(error) ? (
              <UpgradePrompt error={error} />
            ) : (
              <Alert variant="destructive" role="alert">
                <ErrorIcon />
                <AlertDescription>
                  <p>{readAppError(error).message}</p>
                </AlertDescription>
              </Alert>
            ))}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={saving}>
              {saving ? "Adding…" : "Add article"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
