"use client";

import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { readAppError } from "@parley/backend/errors";
import { LOGO_TYPES, MAX_LOGO_BYTES } from "@parley/backend/validators";
import { Button } from "@parley/ui/components/button";
import { Label } from "@parley/ui/components/label";
import { useMutation, useQuery } from "convex/react";
import { useId, useRef, useState } from "react";

import { useWorkspace } from "~/modules/workspace/workspace-context";

/** Why a file cannot be the logo (the backend's own rules, checked first to spare an upload). */
export function logoProblem(file: { type: string; size: number }): string | null {
  if (!(LOGO_TYPES as readonly string[]).includes(file.type))
    return "The logo must be a PNG, JPEG, WebP or GIF image.";
  if (file.size > MAX_LOGO_BYTES) return "The logo must be at most 512 KB.";
  return null;
}

type State =
  { kind: "idle" } | { kind: "busy"; label: string } | { kind: "error"; message: string };

/**
 * The widget's logo, shown in its header. Saved as soon as it is chosen (not
 * with the rest of the form): upload to a one-time storage URL, then `setLogo`.
 */
export function LogoField({ agentName }: { agentName: string }) {
  const { organizationId, isAdmin } = useWorkspace();
  // The public view of the settings carries the logo's URL, exactly what visitors load.
  const logoUrl = useQuery(api.public.widgetSettings.getByOrganization, {
    organizationId,
  })?.logoUrl;
  const generateUploadUrl = useMutation(api.private.widgetSettings.generateLogoUploadUrl);
  const setLogo = useMutation(api.private.widgetSettings.setLogo);
  const [state, setState] = useState<State>({ kind: "idle" });
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();

  const run = async (label: string, work: () => Promise<void>) => {
    setState({ kind: "busy", label });
    try {
      await work();
      setState({ kind: "idle" });
    } catch (error) {
      setState({ kind: "error", message: readAppError(error).message });
    }
  };

  const upload = (file: File) => {
    const problem = logoProblem(file);
    if (problem) {
      setState({ kind: "error", message: problem });
      return;
    }
    void run("Uploading…", async () => {
      const response = await fetch(await generateUploadUrl(), {
        method: "POST",
        headers: { "Content-Type": file.type },
        body: file,
      });
      if (!response.ok) throw new Error(`The upload failed (${response.status}). Try again.`);
      const { storageId } = (await response.json()) as { storageId: Id<"_storage"> };
      await setLogo({ storageId });
    });
  };

  const busy = state.kind === "busy";
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={inputId}>Logo</Label>
      <div className="flex items-center gap-3">
        {logoUrl ? (
          // A storage URL on the backend's domain, small and already sized: next/image adds nothing.
          // eslint-disable-next-line @next/next/no-img-element
          <img
            src={logoUrl}
            alt="Current logo"
            className="size-12 rounded-full border object-cover"
          />
        ) : (
          <span
            aria-hidden="true"
            className="flex size-12 items-center justify-center rounded-full border bg-muted text-lg font-semibold text-muted-foreground"
          >
            {agentName.trim().charAt(0).toUpperCase() || "?"}
          </span>
        )}
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={LOGO_TYPES.join(",")}
          className="sr-only"
          disabled={!isAdmin || busy}
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) upload(file);
          }}
        />
        {isAdmin && (
          <>
            <Button
              type="button"
              variant="outline"
              size="sm"
              disabled={busy}
              onClick={() => input.current?.click()}
            >
              {logoUrl ? "Replace logo" : "Upload logo"}
            </Button>
            {logoUrl && (
              <Button
                type="button"
                variant="ghost"
                size="sm"
                disabled={busy}
                onClick={() =>
                  void run("Removing…", async () => {
                    await setLogo({ storageId: null });
                  })
                }
              >
                Remove logo
              </Button>
            )}
          </>
        )}
        {busy && (
          <span role="status" className="text-sm text-muted-foreground">
            {state.label}
          </span>
        )}
      </div>
      {state.kind === "error" ? (
        <p role="alert" className="text-sm text-destructive">
          {state.message}
        </p>
      ) : (
        <p className="text-xs text-muted-foreground">
          PNG, JPEG, WebP or GIF, up to 512 KB. Shown round in the chat header; saved at once.
        </p>
      )}
    </div>
  );
}
