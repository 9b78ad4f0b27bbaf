"use client";

import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { readAppError } from "@parley/backend/errors";
import { Button } from "@parley/ui/components/button";
import { cn } from "@parley/ui/lib/utils";
import { useMutation } from "convex/react";
import { FileUp } from "lucide-react";
import { useRef, useState, type DragEvent } from "react";

/** What the file picker offers; the server checks the plan's own list and size. */
const ACCEPT = ".pdf,.md,.markdown,.txt,.html,.htm,.csv,.docx";

type Upload = {
  id: number;
  name: string;
  state: "uploading" | "added" | "failed";
  message?: string;
};

/**
 * Upload knowledge-base files: drop them on the zone or pick them, several
 * at once. Each goes to a one-time upload URL whose ticket ties it to this
 * organization (the server checks type and size against the plan), then
 * becomes a source that is read in the background; its row shows the status.
 */
export function UploadFiles({ onAdded }: { onAdded: (message: string) => void }) {
  const generateUploadUrl = useMutation(api.private.knowledgeBase.generateUploadUrl);
  const addFile = useMutation(api.private.knowledgeBase.addFile);
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const nextId = useRef(0);

  const update = (id: number, change: Partial<Upload>) =>
    setUploads((current) => current.map((u) => (u.id === id ? { ...u, ...change } : u)));

  const uploadOne = async (file: File) => {
    const id = nextId.current++;
    setUploads((current) => [...current, { id, name: file.name, state: "uploading" }]);
    try {
      const url = await generateUploadUrl({ fileName: file.name });
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": file.type || "application/octet-stream" },
        body: file,
      });
      const body = (await response.json().catch(() => ({}))) as {
        storageId?: string;
        message?: string;
      };
      if (!response.ok || !body.storageId) {
        throw new Error(body.message ?? `The upload failed (${response.status}).`);
      }
      await addFile({ storageId: body.storageId as Id<"_storage"> });
      update(id, { state: "added" });
      onAdded(`Added “${file.name}”: it is being read.`);
    } catch (caught) {
      const message =
        caught instanceof Error && !("data" in caught)
          ? caught.message
          : readAppError(caught).message;
      update(id, { state: "failed", message });
    }
  };

  const uploadAll = (files: FileList | null) => {
    if (!files) return;
    setUploads((current) => current.filter((u) => u.state === "uploading"));
    void Promise.all([...files].map(uploadOne));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    uploadAll(event.dataTransfer.files);
  };

  return (
    <div className="flex flex-col gap-2">
      <div
        data-testid="upload-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={cn(
          "flex flex-col items-center gap-2 rounded-xl border border-dashed px-6 py-6 text-center text-sm text-muted-foreground",
          dragging && "border-primary bg-primary/5",
        )}
      >
        <FileUp className="size-5" aria-hidden />
        <p>Drop PDF, Markdown, text, HTML, CSV or Word files here</p>
        <Button type="button" variant="outline" size="sm" onClick={() => input.current?.click()}>
          Choose files
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          className="sr-only"
          aria-label="Upload files"
          onChange={(event) => {
            uploadAll(event.target.files);
            event.target.value = "";
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul aria-label="Uploads" className="flex flex-col gap-1 text-sm">
          {uploads.map((upload) => (
            <li key={upload.id} data-testid="upload" className="flex flex-wrap gap-2">
              <span className="font-medium">{upload.name}</span>
              {upload.state === "uploading" && (
                <span className="text-muted-foreground">Uploading…</span>
              )}
              {upload.state === "added" && <span className="text-muted-foreground">Uploaded</span>}
              {upload.state === "failed" && (
                <span role="alert" className="text-destructive">
                  {upload.message}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
