"use client";

import { Button } from "@parley/ui/components/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
} from "@parley/ui/components/dialog";
import { Keyboard, MessagesSquare } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Component, useCallback, useEffect, useRef, useState, type ReactNode } from "react";

import { ErrorState, PageHeader } from "~/modules/dashboard/states";

import { ConversationList, DEFAULT_FILTERS, type InboxFilters } from "./conversation-list";
import { ConversationWorkspace, type WorkspaceActions } from "./conversation-workspace";
import type { ConversationId } from "./data";

export const SHORTCUTS: { keys: string[]; does: string }[] = [
  { keys: ["j", "↓"], does: "Next conversation" },
  { keys: ["k", "↑"], does: "Previous conversation" },
  { keys: ["r"], does: "Reply" },
  { keys: ["n"], does: "Write an internal note" },
  { keys: ["e"], does: "Resolve" },
  { keys: ["o"], does: "Reopen" },
  { keys: ["t"], does: "Take over from the AI agent" },
  { keys: ["h"], does: "Hand back to the AI agent" },
  { keys: ["a"], does: "Assign to me" },
  { keys: ["i"], does: "Show or hide contact details" },
  { keys: ["/"], does: "Search conversations (in the reply box: canned responses)" },
  { keys: ["Esc"], does: "Leave the text box" },
  { keys: ["?"], does: "This help" },
];

/** Shows the error state instead of the open conversation when it fails (e.g. a stale link). */
class WorkspaceBoundary extends Component<
  { children: ReactNode; onClose: () => void },
  { error: unknown }
> {
  override state = { error: undefined as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <div className="p-4">
        <ErrorState
          title="This conversation could not be loaded"
          error={this.state.error}
          retry={() => this.setState({ error: undefined })}
        />
        <Button variant="link" className="mt-2 px-0" onClick={this.props.onClose}>
          Back to the inbox
        </Button>
      </div>
    );
  }
}

function ShortcutsDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md">
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>
            They work anywhere in the inbox except while typing.
          </DialogDescription>
        </DialogHeader>
        <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut.does} className="contents">
              <dt className="flex gap-1">
                {shortcut.keys.map((key) => (
                  <kbd
                    key={key}
                    className="min-w-6 rounded border bg-muted px-1.5 text-center font-mono text-xs leading-5"
                  >
                    {key}
                  </kbd>
                ))}
              </dt>
              <dd className="text-muted-foreground">{shortcut.does}</dd>
            </div>
          ))}
        </dl>
      </DialogContent>
    </Dialog>
  );
}

function isTyping(target: EventTarget | null) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

/**
 * The operators' inbox: the live conversation list on the left, the open
 * conversation (from `?c=<id>`, so links and reloads land on it) on the right.
 */
export function InboxView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const selectedId = (searchParams.get("c") || null) as ConversationId | null;
  const [filters, setFilters] = useState<InboxFilters>(DEFAULT_FILTERS);
  const [helpOpen, setHelpOpen] = useState(false);
  const visibleIds = useRef<ConversationId[]>([]);
  const actions = useRef<WorkspaceActions | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const select = useCallback(
    (id: ConversationId | null) => {
      router.replace(id ? `${pathname}?c=${id}` : pathname, { scroll: false });
    },
    [router, pathname],
  );
  const onVisible = useCallback((ids: ConversationId[]) => {
    visibleIds.current = ids;
  }, []);

  const move = useCallback(
    (step: 1 | -1) => {
      const ids = visibleIds.current;
      if (ids.length === 0) return;
      const index = selectedId ? ids.indexOf(selectedId) : -1;
      const next = ids[index === -1 ? (step === 1 ? 0 : ids.length - 1) : index + step];
      if (!next) return;
      select(next);
      document
        .querySelector(`[data-conversation-id="${next}"]`)
        ?.scrollIntoView({ block: "nearest" });
    },
    [selectedId, select],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return;
      if (isTyping(event.target) || document.querySelector('[role="dialog"]')) return;
      const inList = (event.target as HTMLElement | null)?.closest?.(
        '[data-testid="conversation-list"]',
      );
      const open = actions.current;
      const handlers: Record<string, (() => void) | undefined> = {
        j: () => move(1),
        k: () => move(-1),
        ArrowDown: inList ? () => move(1) : undefined,
        ArrowUp: inList ? () => move(-1) : undefined,
        "?": () => setHelpOpen(true),
        "/": () => searchRef.current?.focus(),
        r: open ? () => open.focusComposer("reply") : undefined,
        n: open ? () => open.focusComposer("note") : undefined,
        e: open?.resolve,
        o: open?.reopen,
        t: open?.takeOver,
        h: open?.handBack,
        a: open?.assignToMe,
        i: open?.toggleContact,
      };
      const handler = handlers[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [move]);

  return (
    <>
      <PageHeader
        title="Conversations"
        description="Every conversation your assistant and your team have with visitors, live."
        actions={
          <>
            <Button variant="outline" size="sm" asChild>
              <Link href="/conversations/canned-responses">Canned responses</Link>
            </Button>
            <Button
              variant="ghost"
              size="icon"
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
              onClick={() => setHelpOpen(true)}
            >
              <Keyboard />
            </Button>
          </>
        }
      />
      <div className="grid h-[calc(100dvh-12.5rem)] min-h-[32rem] grid-cols-[minmax(0,1fr)] overflow-hidden rounded-xl border bg-card md:grid-cols-[20rem_minmax(0,1fr)]">
        <div
          className={selectedId ? "hidden min-h-0 md:flex md:flex-col" : "flex min-h-0 flex-col"}
        >
          <ConversationList
            filters={filters}
            onFiltersChange={setFilters}
            selectedId={selectedId}
            onSelect={select}
            onVisible={onVisible}
            searchRef={searchRef}
          />
        </div>
        <div className={selectedId ? "flex min-h-0 min-w-0" : "hidden min-h-0 md:flex"}>
          {selectedId ? (
            <WorkspaceBoundary key={selectedId} onClose={() => select(null)}>
              <ConversationWorkspace conversationId={selectedId} actionsRef={actions} />
            </WorkspaceBoundary>
          ) : (
            <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center text-sm text-muted-foreground">
              <MessagesSquare className="size-8" aria-hidden="true" />
              <p>Choose a conversation to read and reply.</p>
              <p className="text-xs">
                Press <kbd className="rounded border px-1 font-mono">j</kbd> for the first one,{" "}
                <kbd className="rounded border px-1 font-mono">?</kbd> for all shortcuts.
              </p>
            </div>
          )}
        </div>
      </div>
      <ShortcutsDialog open={helpOpen} onOpenChange={setHelpOpen} />
    </>
  );
}
