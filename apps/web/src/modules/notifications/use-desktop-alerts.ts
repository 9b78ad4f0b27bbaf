"use client";

import { api } from "@parley/backend/api";
import { useQuery } from "convex/react";
import { useEffect, useRef, useState } from "react";

const newest = { paginationOpts: { numItems: 1, cursor: null } };

/**
 * Alerts a member who is not looking at the dashboard: the tab title counts
 * unread notifications, and with the browser's permission each new one
 * shows as a desktop notification. Only notifications that arrive while the
 * page is open alert; the backlog is what the bell is for.
 */
export function useDesktopAlerts(unread: number) {
  const result = useQuery(api.private.notifications.list, newest);
  const latest = result?.page[0];
  const seen = useRef<string | null | undefined>(undefined);
  // Only read in the browser: the panel that shows it is closed during server rendering.
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">(() =>
    typeof Notification === "undefined" ? "unsupported" : Notification.permission,
  );

  useEffect(() => {
    const base = document.title.replace(/^\(\d+\+?\) /, "");
    document.title = unread > 0 ? `(${unread}) ${base}` : base;
  }, [unread]);

  useEffect(() => {
    if (result === undefined) return;
    const id = latest?._id ?? null;
    // The first result is the backlog, not news.
    if (seen.current === undefined) {
      seen.current = id;
      return;
    }
    if (id === seen.current) return;
    seen.current = id;
    if (latest?.unread && document.visibilityState === "hidden" && permission === "granted") {
      new Notification(latest.title, { body: latest.body, tag: latest._id });
    }
  }, [result, latest, permission]);

  return {
    /** Whether the browser can still be asked for permission to alert. */
    canAsk: permission === "default",
    ask: () => {
      void Notification.requestPermission().then(setPermission);
    },
  };
}
