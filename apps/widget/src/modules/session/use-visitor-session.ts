import { api } from "@parley/backend/api";
import { useMutation, useQuery } from "convex/react";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * The visitor's session on this organization's widget. The token lives in
 * localStorage (one per organization; in a cross-site iframe the browser
 * partitions it per host site), is validated on load, and is refreshed while
 * the visitor is active so the 7-day expiry slides.
 */
export type VisitorSession =
  | { status: "checking" }
  | { status: "none"; start: (sessionToken: string) => void }
  | {
      status: "active";
      sessionToken: string;
      name: string | undefined;
      email: string | undefined;
      /** Slide the expiry forward (at most every few minutes). */
      touch: () => void;
      /** Forget this session: the visitor starts over at the pre-chat form. */
      forget: () => void;
    };

const storageKey = (organizationId: string) => `parley:session:${organizationId}`;
/** Refresh the session at most this often while the visitor is active. */
const REFRESH_EVERY_MS = 10 * 60 * 1000;

function readToken(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    // Storage can be blocked (privacy settings); the session then lasts as long as the page.
    return null;
  }
}

function writeToken(key: string, token: string | null) {
  try {
    if (token) window.localStorage.setItem(key, token);
    else window.localStorage.removeItem(key);
  } catch {
    // See readToken.
  }
}

export function useVisitorSession(organizationId: string): VisitorSession {
  const key = storageKey(organizationId);
  const [token, setToken] = useState(() => readToken(key));
  const validation = useQuery(
    api.public.contactSessions.validate,
    token ? { organizationId, sessionToken: token } : "skip",
  );
  const refresh = useMutation(api.public.contactSessions.refresh);
  const lastRefresh = useRef(0);

  const start = useCallback(
    (sessionToken: string) => {
      writeToken(key, sessionToken);
      lastRefresh.current = Date.now();
      setToken(sessionToken);
    },
    [key],
  );

  const forget = useCallback(() => {
    writeToken(key, null);
    setToken(null);
  }, [key]);

  const touch = useCallback(() => {
    if (!token || Date.now() - lastRefresh.current < REFRESH_EVERY_MS) return;
    lastRefresh.current = Date.now();
    // A failed refresh is harmless: validation notices an expired session on the next load.
    refresh({ sessionToken: token }).catch(() => {});
  }, [refresh, token]);

  const valid = validation?.valid === true;
  const invalid = validation?.valid === false;

  // A returning visitor is active again: slide the expiry.
  useEffect(() => {
    if (valid) touch();
  }, [valid, touch]);

  // An expired or unknown token is dropped; the visitor goes back to the pre-chat form.
  useEffect(() => {
    if (invalid) writeToken(key, null);
  }, [invalid, key]);

  if (!token || invalid) return { status: "none", start };
  if (!validation) return { status: "checking" };
  return {
    status: "active",
    sessionToken: token,
    name: validation.name,
    email: validation.email,
    touch,
    forget,
  };
}

export type ActiveSession = Extract<VisitorSession, { status: "active" }>;
