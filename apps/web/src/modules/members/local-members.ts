/**
 * The Members page in local mode: roles live in the local identity provider
 * (its tokens carry them), so every change goes there first, through
 * /api/local-auth/members, and is then mirrored into the backend's member
 * list (`private/members`), which is what the page shows. `reconcile` brings
 * the two back together when a mirror write was lost.
 */
import type { api } from "@parley/backend/api";
import type { FunctionArgs, FunctionReturnType } from "convex/server";

export type Role = "admin" | "operator";
export type DirectoryUser = { id: string; name: string; email: string };
export type DirectoryListing = {
  members: { user: DirectoryUser; role: Role }[];
  /** Users of the directory who are not members yet (for admins only). */
  candidates: DirectoryUser[];
};
export type BackendMembers = FunctionReturnType<typeof api.private.members.list>;
export type BackendMember = BackendMembers["members"][number];

async function request<T>(method: string, body?: unknown): Promise<T> {
  const response = await fetch("/api/local-auth/members", {
    method,
    cache: "no-store",
    ...(body === undefined
      ? {}
      : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
  const result = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(result.error ?? `Request failed (${response.status})`);
  return result;
}

export const localMembers = {
  list: () => request<DirectoryListing>("GET"),
  add: (input: { userId: string; role: Role } | { name: string; email: string; role: Role }) =>
    request<{ user: DirectoryUser; role: Role }>("POST", input),
  changeRole: (userId: string, role: Role) => request<unknown>("PATCH", { userId, role }),
  remove: (userId: string) => request<unknown>("DELETE", { userId }),
};

type Mirror = {
  add: (args: FunctionArgs<typeof api.private.members.add>) => Promise<unknown>;
  remove: (args: FunctionArgs<typeof api.private.members.remove>) => Promise<unknown>;
};

/**
 * Make the backend's list match the directory: add or re-role members it
 * lacks or has wrong, and drop those the directory no longer has. Returns
 * how many rows it changed. Errors are left to the caller.
 */
export async function reconcile(
  directory: DirectoryListing,
  backend: BackendMember[],
  mirror: Mirror,
): Promise<number> {
  let changed = 0;
  // Promotions first, so a swap of admins never leaves the backend's list without one.
  const wanted = [...directory.members].sort(
    (a, b) => Number(b.role === "admin") - Number(a.role === "admin"),
  );
  for (const { user, role } of wanted) {
    const row = backend.find((member) => member.externalId === user.id);
    if (row?.role === role) continue;
    await mirror.add({ externalId: user.id, name: user.name, email: user.email, role });
    changed += 1;
  }
  for (const row of backend) {
    if (row.isYou || directory.members.some(({ user }) => user.id === row.externalId)) continue;
    await mirror.remove({ membershipId: row.membershipId });
    changed += 1;
  }
  return changed;
}
