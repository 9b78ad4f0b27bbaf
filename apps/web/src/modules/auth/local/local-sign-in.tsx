"use client";

/**
 * Local sign-in: pick a user and organization from the local directory, or
 * create them. It stands in for Clerk's hosted UI, which cannot load offline.
 */
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";
import { Input } from "@parley/ui/components/input";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";

import { useLocalAuth } from "./local-auth";

type Directory = {
  users: { id: string; name: string; email: string }[];
  organizations: { id: string; name: string; slug: string }[];
  memberships: { userId: string; organizationId: string; role: "admin" | "operator" }[];
};

async function post(body: Record<string, unknown>) {
  const response = await fetch("/api/local-auth/directory", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new Error(result.error ?? `Request failed (${response.status})`);
  return result;
}

export function LocalSignIn() {
  const { signIn } = useLocalAuth();
  const router = useRouter();
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    fetch("/api/local-auth/directory", { cache: "no-store" })
      .then(async (response) => {
        if (!response.ok) throw new Error("Local sign-in is not available on this server.");
        const loaded = (await response.json()) as Directory;
        if (!cancelled) setDirectory(loaded);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, []);

  /** Run an action with the busy flag on, showing its error instead of throwing. */
  const attempt = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const enter = (userId: string, organizationId: string) =>
    attempt(async () => {
      await signIn(userId, organizationId);
      router.replace("/");
    });

  const createAccount = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void attempt(async () => {
      const { user } = (await post({
        type: "user",
        name: form.get("name"),
        email: form.get("email"),
      })) as {
        user: { id: string };
      };
      const { organization } = (await post({
        type: "organization",
        name: form.get("organization"),
        ownerUserId: user.id,
      })) as { organization: { id: string } };
      await signIn(user.id, organization.id);
      router.replace("/");
    });
  };

  const members = (directory?.memberships ?? []).flatMap((membership) => {
    const user = directory?.users.find((u) => u.id === membership.userId);
    const organization = directory?.organizations.find((o) => o.id === membership.organizationId);
    return user && organization ? [{ ...membership, user, organization }] : [];
  });

  return (
    <div className="flex w-full max-w-lg flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Sign in to Parley</h1>
        <p className="text-sm text-muted-foreground">
          Local sign-in, for running Parley without accounts. Set Clerk keys to use Clerk instead.
        </p>
      </div>

      {error && (
        <p
          role="alert"
          className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm"
        >
          {error}
        </p>
      )}

      <Card>
        <CardHeader>
          <CardTitle>Continue as</CardTitle>
          <CardDescription>Pick a user and the organization to work in.</CardDescription>
        </CardHeader>
        <CardContent>
          {directory === null ? (
            <p className="text-sm text-muted-foreground">Loading users…</p>
          ) : members.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              No users yet: create the first one below.
            </p>
          ) : (
            <ul className="flex flex-col divide-y" aria-label="Users">
              {members.map((m) => (
                <li
                  key={`${m.userId}/${m.organizationId}`}
                  className="flex items-center justify-between gap-3 py-2"
                >
                  <div className="flex min-w-0 flex-col">
                    <span className="truncate font-medium">{m.user.name}</span>
                    <span className="truncate text-xs text-muted-foreground">
                      {m.user.email} · {m.organization.name}
                    </span>
                  </div>
                  <div className="flex items-center gap-2">
                    <Badge variant={m.role === "admin" ? "default" : "secondary"}>{m.role}</Badge>
                    <Button
                      size="sm"
                      disabled={busy}
                      onClick={() => void enter(m.userId, m.organizationId)}
                      aria-label={`Sign in as ${m.user.name} in ${m.organization.name}`}
                    >
                      Sign in
                    </Button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>New account</CardTitle>
          <CardDescription>Creates a user and an organization they administer.</CardDescription>
        </CardHeader>
        <CardContent>
          <form className="flex flex-col gap-3" onSubmit={createAccount}>
            <label className="flex flex-col gap-1 text-sm">
              Your name
              <Input name="name" required maxLength={80} autoComplete="name" />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Email
              <Input name="email" type="email" required maxLength={254} autoComplete="email" />
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Organization
              <Input name="organization" required maxLength={80} autoComplete="organization" />
            </label>
            <Button type="submit" disabled={busy}>
              Create and sign in
            </Button>
          </form>
        </CardContent>
      </Card>
    </div>
  );
}
