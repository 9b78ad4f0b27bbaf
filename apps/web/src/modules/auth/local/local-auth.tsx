"use client";

/**
 * The browser side of local sign-in: who is signed in (from the session
 * cookie, via /api/local-auth/session), sign in/out, and the access-token
 * source Convex calls (`useLocalConvexAuth`, for `ConvexProviderWithAuth`).
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from "react";

export type LocalMember = {
  user: { id: string; name: string; email: string };
  organization: { id: string; name: string; slug: string };
  role: "admin" | "operator";
};

type LocalAuth = {
  isLoading: boolean;
  member: LocalMember | null;
  signIn: (userId: string, organizationId: string) => Promise<void>;
  signOut: () => Promise<void>;
};

const LocalAuthContext = createContext<LocalAuth | null>(null);

/** Parse a local-auth API answer, throwing its `error` message when it failed. */
async function readJson<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `Request failed (${response.status})`);
  return body;
}

export function LocalAuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ isLoading: boolean; member: LocalMember | null }>({
    isLoading: true,
    member: null,
  });

  useEffect(() => {
    let cancelled = false;
    fetch("/api/local-auth/session", { cache: "no-store" })
      .then((response) => readJson<{ member: LocalMember | null }>(response))
      .then(({ member }) => !cancelled && setState({ isLoading: false, member }))
      .catch(() => !cancelled && setState({ isLoading: false, member: null }));
    return () => {
      cancelled = true;
    };
  }, []);

  const signIn = useCallback(async (userId: string, organizationId: string) => {
    const { member } = await readJson<{ member: LocalMember }>(
      await fetch("/api/local-auth/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ userId, organizationId }),
      }),
    );
    setState({ isLoading: false, member });
  }, []);

  const signOut = useCallback(async () => {
    // A JSON body, like every local-auth call that changes something (see provider.ts).
    await fetch("/api/local-auth/session", {
      method: "DELETE",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    setState({ isLoading: false, member: null });
  }, []);

  const value = useMemo(() => ({ ...state, signIn, signOut }), [state, signIn, signOut]);
  return <LocalAuthContext.Provider value={value}>{children}</LocalAuthContext.Provider>;
}

export function useLocalAuth(): LocalAuth {
  const context = useContext(LocalAuthContext);
  if (!context) throw new Error("useLocalAuth must be used inside <LocalAuthProvider>");
  return context;
}

/** The `useAuth` hook `ConvexProviderWithAuth` expects, backed by local sign-in. */
export function useLocalConvexAuth() {
  const { isLoading, member } = useLocalAuth();
  const memberKey = member ? `${member.user.id}/${member.organization.id}/${member.role}` : null;
  // A new function when the member changes makes Convex fetch a new token.
  const fetchAccessToken = useCallback(async () => {
    if (!memberKey) return null;
    const response = await fetch("/api/local-auth/token", { cache: "no-store" });
    if (!response.ok) return null;
    return (await readJson<{ token: string }>(response)).token;
  }, [memberKey]);
  return useMemo(
    () => ({ isLoading, isAuthenticated: memberKey !== null, fetchAccessToken }),
    [isLoading, memberKey, fetchAccessToken],
  );
}
