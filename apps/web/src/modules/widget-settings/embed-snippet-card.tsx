"use client";

import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";
import { useEffect, useRef, useState } from "react";

import { env } from "~/env";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { embedSnippet } from "./embed-snippet";

/** The script tag to paste on the organization's site, with a copy button. */
export function EmbedSnippetCard() {
  const { organizationId } = useWorkspace();
  const snippet = embedSnippet(env.NEXT_PUBLIC_PARLEY_EMBED_URL, organizationId);
  const code = useRef<HTMLElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "selected">("idle");

  useEffect(() => {
    if (copy === "idle") return;
    const timer = setTimeout(() => setCopy("idle"), 4000);
    return () => clearTimeout(timer);
  }, [copy]);

  const copySnippet = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopy("copied");
    } catch {
      // No clipboard access (an insecure origin, or permission refused): select it instead.
      const selection = window.getSelection();
      if (code.current && selection) {
        const range = document.createRange();
        range.selectNodeContents(code.current);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopy("selected");
    }
  };

  return (
    <Card>
      <CardHeader>
        <div className="flex items-start justify-between gap-3">
          <div className="flex flex-col gap-1.5">
            <CardTitle>Install on your site</CardTitle>
            <CardDescription>
              Paste this tag before <code className="font-mono">&lt;/body&gt;</code> on every page
              that should show the chat.
            </CardDescription>
          </div>
          <Button variant="outline" size="sm" onClick={copySnippet}>
            {copy === "copied" ? "Copied" : "Copy snippet"}
          </Button>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-2">
        <pre className="overflow-x-auto rounded-md bg-muted px-3 py-2 text-xs">
          <code ref={code} data-testid="embed-snippet" className="font-mono">
            {snippet}
          </code>
        </pre>
        <p role="status" className="text-xs text-muted-foreground empty:hidden">
          {copy === "copied" && "The snippet is on your clipboard."}
          {copy === "selected" && "Your browser blocked the clipboard: press Ctrl+C (⌘C) to copy."}
        </p>
        {!env.NEXT_PUBLIC_PARLEY_EMBED_URL && (
          <p className="text-xs text-muted-foreground">
            The script&apos;s address is a placeholder: set{" "}
            <code className="font-mono">NEXT_PUBLIC_PARLEY_EMBED_URL</code> for the dashboard to
            where <code className="font-mono">parley.js</code> is served.
          </p>
        )}
      </CardContent>
    </Card>
  );
}
