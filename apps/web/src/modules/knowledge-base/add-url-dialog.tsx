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
import { useMutation } from "convex/react";
import { useState, type FormEvent } from "react";

import { ErrorIcon } from "~/modules/dashboard/icons";

/** Import a web page, or every page of a sitemap, by its address. Admins only. */
export function AddUrlDialog({ onAdded }: { onAdded: (message: string) => void }) {
  const addUrl = useMutation(api.private.knowledgeBase.addUrl);
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState("");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await addUrl({ url });
      onAdded(`Importing ${url.trim()}…`);
      setUrl("");
      setOpen(false);
    } catch (caught) {
      setError(readAppError(caught).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">Add web page</Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle>Import a web page or sitemap</DialogTitle>
            <DialogDescription>
              Parley reads the page (or each page a sitemap lists, up to your plan&apos;s limit).
              Crawl it again any time to pick up changes.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor="source-url">Address</Label>
            <Input
              id="source-url"
              type="url"
              required
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://example.com/help or https://example.com/sitemap.xml"
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
              {saving ? "Importing…" : "Import"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
