"use client";

import { api } from "@parley/backend/api";
import { Button } from "@parley/ui/components/button";
import { cn } from "@parley/ui/lib/utils";
import Link from "next/link";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import { useEffect, useId, useRef, useState } from "react";

import { useDesktopAlerts } from "./use-desktop-alerts";

const PAGE_SIZE = 10;

function timeAgo(timestamp: number) {
  const seconds = Math.round((Date.now() - timestamp) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(timestamp).toLocaleDateString();
}

function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

function NotificationList({
  onRead,
  onOpen,
}: {
  onRead: (through: number) => void;
  onOpen: () => void;
}) {
  const { results, status, loadMore } = usePaginatedQuery(
    api.private.notifications.list,
    {},
    { initialNumItems: PAGE_SIZE },
  );
  if (status === "LoadingFirstPage") {
    return <p className="p-4 text-sm text-muted-foreground">Loading…</p>;
  }
  if (results.length === 0) {
    return (
      <p className="p-4 text-sm text-muted-foreground">
        Nothing yet. When a visitor asks for a human, you will see it here.
      </p>
    );
  }
  const newest = results[0]!._creationTime;
  return (
    <>
      <div className="flex items-center justify-between border-b px-4 py-2">
        <span className="text-sm font-medium">Notifications</span>
        <Button variant="link" size="sm" className="h-auto px-0" onClick={() => onRead(newest)}>
          Mark all read
        </Button>
      </div>
      <ul className="max-h-96 overflow-y-auto" aria-label="Notifications">
        {results.map((notification) => (
          <li
            key={notification._id}
            data-unread={notification.unread || undefined}
            className={cn("border-b px-4 py-3 last:border-b-0", notification.unread && "bg-accent")}
          >
            <p className="flex items-center gap-2 text-sm font-medium">
              {notification.unread && (
                <span className="size-2 shrink-0 rounded-full bg-primary" aria-label="Unread" />
              )}
              {notification.conversationId ? (
                <Link
                  href={`/conversations?c=${notification.conversationId}`}
                  onClick={onOpen}
                  className="underline-offset-2 hover:underline"
                >
                  {notification.title}
                </Link>
              ) : (
                notification.title
              )}
            </p>
            <p className="mt-1 line-clamp-2 text-sm text-muted-foreground">{notification.body}</p>
            <p className="mt-1 text-xs text-muted-foreground">
              {timeAgo(notification._creationTime)}
            </p>
          </li>
        ))}
      </ul>
      {status === "CanLoadMore" && (
        <Button variant="ghost" size="sm" className="w-full" onClick={() => loadMore(PAGE_SIZE)}>
          Show older
        </Button>
      )}
    </>
  );
}

/**
 * The header's bell: how many notifications the member has not seen, the
 * feed in a panel, and (once allowed) a desktop alert and a count in the tab
 * title when one arrives while the dashboard is in the background.
 */
export function NotificationBell() {
  const unread = useQuery(api.private.notifications.unreadCount, {});
  const markRead = useMutation(api.private.notifications.markRead);
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const alerts = useDesktopAlerts(unread?.count ?? 0);

  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !root.current?.contains(event.target as Node)
      ) {
        setOpen(false);
      }
    };
    document.addEventListener("keydown", close);
    document.addEventListener("pointerdown", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("pointerdown", close);
    };
  }, [open]);

  const count = unread?.count ?? 0;
  const label = count
    ? `Notifications (${count}${unread?.more ? "+" : ""} unread)`
    : "Notifications";
  return (
    <div ref={root} className="relative">
      <Button
        variant="ghost"
        size="icon"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="relative"
      >
        <BellIcon />
        {count > 0 && (
          <span
            aria-hidden="true"
            className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-destructive px-1 text-center text-[11px] leading-5 font-semibold text-destructive-foreground"
          >
            {count}
            {unread?.more ? "+" : ""}
          </span>
        )}
      </Button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label="Notifications panel"
          className="absolute right-0 z-50 mt-2 w-80 overflow-hidden rounded-lg border bg-background shadow-lg"
        >
          <NotificationList
            onRead={(through) => void markRead({ through })}
            onOpen={() => setOpen(false)}
          />
          {alerts.canAsk && (
            <div className="border-t px-4 py-2">
              <Button variant="link" size="sm" className="h-auto px-0" onClick={alerts.ask}>
                Turn on desktop alerts
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
