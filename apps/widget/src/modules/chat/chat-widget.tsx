"use client";

import type { ReactNode } from "react";
import { Button } from "@parley/ui/components/button";
import { Input } from "@parley/ui/components/input";

import { env } from "~/env";

export function ChatWidget({ organizationId }: { organizationId: string | undefined }) {
  const backendConfigured = env.NEXT_PUBLIC_CONVEX_URL !== undefined;
  const canChat = backendConfigured && organizationId !== undefined;

  return (
    <div className="flex h-dvh flex-col bg-background">
      <header className="flex items-center gap-3 bg-primary px-4 py-3 text-primary-foreground">
        <div
          aria-hidden
          className="flex size-9 items-center justify-center rounded-full bg-primary-foreground/15 font-semibold"
        >
          P
        </div>
        <div className="flex flex-col">
          <h1 className="text-sm font-semibold">Support</h1>
          <p className="text-xs opacity-80">
            {canChat ? "We usually reply in minutes" : "Offline"}
          </p>
        </div>
      </header>

      <main className="flex flex-1 flex-col gap-3 overflow-y-auto p-4" aria-live="polite">
        {organizationId === undefined ? (
          <Notice tone="error">
            This chat was opened without an organization. Check the{" "}
            <code className="font-mono">data-organization-id</code> on the Parley script tag.
          </Notice>
        ) : (
          <div className="max-w-[85%] self-start rounded-2xl rounded-bl-sm bg-muted px-3 py-2 text-sm">
            Hi! How can we help you today?
          </div>
        )}
        {!backendConfigured && (
          <Notice tone="warning">
            Chat is not available yet: no backend is configured for this widget.
          </Notice>
        )}
      </main>

      {/* The composer is wired to the backend in a later issue; until then it stays disabled. */}
      <form
        className="flex items-center gap-2 border-t p-3"
        onSubmit={(event) => event.preventDefault()}
      >
        <Input
          name="message"
          aria-label="Message"
          placeholder={canChat ? "Messaging is coming soon" : "Chat is not available yet"}
          autoComplete="off"
          disabled
        />
        <Button type="submit" size="icon" aria-label="Send" disabled>
          <SendIcon />
        </Button>
      </form>
    </div>
  );
}

function Notice({ tone, children }: { tone: "warning" | "error"; children: ReactNode }) {
  return (
    <p
      role={tone === "error" ? "alert" : "status"}
      className={
        tone === "error"
          ? "rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
          : "rounded-lg border border-warning/60 bg-warning/15 px-3 py-2 text-sm"
      }
    >
      {children}
    </p>
  );
}

function SendIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
      <path d="M22 2 11 13" />
      <path d="M22 2 15 22l-4-9-9-4 20-7Z" />
    </svg>
  );
}
