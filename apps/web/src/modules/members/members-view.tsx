"use client";

import { OrganizationProfile } from "@clerk/nextjs";
import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { NativeSelect } from "@parley/ui/components/native-select";
import { useMutation, useQuery } from "convex/react";
import { useCallback, useEffect, useRef, useState } from "react";

import { authMode } from "~/env";
import { isUpgradeError } from "~/modules/billing/upgrade";
import { CheckIcon, ErrorIcon, InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { AddMemberDialog, type NewMember } from "./add-member-dialog";
import { initials } from "./initials";
import {
  localMembers,
  reconcile,
  type BackendMember,
  type DirectoryListing,
  type Role,
} from "./local-members";
import { RemoveMemberDialog } from "./remove-member-dialog";

const DESCRIPTION = "Who works in this organization, and what they may do.";

function MemberAvatar({ member }: { member: BackendMember }) {
  return member.imageUrl ? (
    // A profile picture from the identity provider; next/image would need its host configured.
    // eslint-disable-next-line @next/next/no-img-element
    <img src={member.imageUrl} alt="" className="size-9 shrink-0 rounded-full object-cover" />
  ) : (
    <span
      aria-hidden="true"
      className="flex size-9 shrink-0 items-center justify-center rounded-full bg-muted text-sm font-medium text-muted-foreground"
    >
      {initials(member.name, member.email)}
    </span>
  );
}

const nameOf = (member: BackendMember) => member.name ?? member.email ?? "Unnamed member";

/** A failed directory request says why itself; a backend refusal is read with `readAppError`. */
function messageOf(error: unknown): string {
  if (error instanceof Error && !("data" in error)) return error.message;
  return readAppError(error).message;
}

/**
 * Members in local mode. Every change goes to the local identity provider
 * first (roles in tokens come from it), then is mirrored into the backend's
 * list, which this page shows; opening the page as an admin repairs any
 * mirror write that was lost (`reconcile`).
 */
function LocalMembersView() {
  const { isAdmin } = useWorkspace();
  const data = useQuery(api.private.members.list, {});
  const mirrorAdd = useMutation(api.private.members.add);
  const mirrorRole = useMutation(api.private.members.changeRole);
  const mirrorRemove = useMutation(api.private.members.remove);
  const [directory, setDirectory] = useState<DirectoryListing | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadDirectory = useCallback(async () => {
    try {
      setDirectory(await localMembers.list());
    } catch (caught) {
      setError(messageOf(caught));
    }
  }, []);
  useEffect(() => {
    if (!isAdmin) return;
    let cancelled = false;
    localMembers
      .list()
      .then((listing) => !cancelled && setDirectory(listing))
      .catch((caught: unknown) => !cancelled && setError(messageOf(caught)));
    return () => {
      cancelled = true;
    };
  }, [isAdmin]);

  const reconciled = useRef(false);
  useEffect(() => {
    if (!isAdmin || !directory || !data || reconciled.current) return;
    reconciled.current = true;
    reconcile(directory, data.members, { add: mirrorAdd, remove: mirrorRemove }).catch(
      (caught: unknown) => setError(`The member list may be out of date: ${messageOf(caught)}`),
    );
  }, [isAdmin, directory, data, mirrorAdd, mirrorRemove]);

  /** Mirror a change already made in the directory; a failure says the list lags behind. */
  const mirror = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (caught) {
      throw new Error(
        `Saved, but the member list could not be updated (${messageOf(caught)}). Reload the page to catch up.`,
      );
    }
  };

  const add = async (member: NewMember) => {
    setError(null);
    const { user, role } = await localMembers.add(member);
    try {
      await mirrorAdd({ externalId: user.id, name: user.name, email: user.email, role });
    } catch (caught) {
      // The plan has no seat for them: undo the directory's half, and let the dialog prompt to upgrade.
      if (isUpgradeError(caught)) {
        await localMembers.remove(user.id);
        throw caught;
      }
      await loadDirectory();
      throw new Error(
        `Saved, but the member list could not be updated (${messageOf(caught)}). Reload the page to catch up.`,
      );
    }
    await loadDirectory();
    setNotice(`Added ${user.name} as ${role}.`);
  };

  const changeRole = async (member: BackendMember, role: Role) => {
    setBusy(member.membershipId);
    setError(null);
    try {
      await localMembers.changeRole(member.externalId, role);
      await mirror(() => mirrorRole({ membershipId: member.membershipId, role }));
      setNotice(`${nameOf(member)} is now ${role === "admin" ? "an admin" : "an operator"}.`);
      // Your own new role arrives with a new token: reload to pick it up.
      if (member.isYou) window.location.reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (member: BackendMember) => {
    setError(null);
    await localMembers.remove(member.externalId);
    await mirror(() => mirrorRemove({ membershipId: member.membershipId }));
    await loadDirectory();
    setNotice(`Removed ${nameOf(member)}.`);
  };

  const addButton =
    isAdmin && directory ? <AddMemberDialog candidates={directory.candidates} onAdd={add} /> : null;

  return (
    <>
      <PageHeader title="Members" description={DESCRIPTION} actions={addButton} />
      {!isAdmin && (
        <Alert data-testid="read-only-notice">
          <InfoIcon />
          <AlertDescription>
            Only admins can add members, change roles or remove members. You can see who is on the
            team.
          </AlertDescription>
        </Alert>
      )}
      {error && (
        <Alert variant="destructive" role="alert">
          <ErrorIcon />
          <AlertDescription>
            <p>{error}</p>
          </AlertDescription>
        </Alert>
      )}
      <p role="status" className="empty:hidden">
        {notice && (
          <span className="inline-flex items-center gap-2 text-sm text-muted-foreground">
            <CheckIcon />
            {notice}
          </span>
        )}
      </p>

      {data === undefined ? (
        <LoadingState label="Loading members…" />
      ) : data.members.length === 0 ? (
        <EmptyState title="No members yet">
          Members appear here once they sign in, or when an admin adds them.
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-3">
          <ul aria-label="Members" className="flex flex-col divide-y rounded-xl border bg-card">
            {data.members.map((member) => {
              const name = nameOf(member);
              const lastAdmin = data.soleAdmin && member.role === "admin";
              return (
                <li
                  key={member.membershipId}
                  className="flex flex-wrap items-center justify-between gap-3 px-4 py-3"
                  data-testid="member-row"
                >
                  <div className="flex min-w-0 items-center gap-3">
                    <MemberAvatar member={member} />
                    <div className="flex min-w-0 flex-col">
                      <span className="flex items-center gap-2 font-medium">
                        <span className="truncate">{name}</span>
                        {member.isYou && <Badge variant="outline">You</Badge>}
                      </span>
                      {member.email && (
                        <span className="truncate text-xs text-muted-foreground">
                          {member.email}
                        </span>
                      )}
                    </div>
                  </div>
                  <div className="flex items-center gap-2">
                    {lastAdmin && isAdmin && (
                      <span className="text-xs text-muted-foreground">The only admin</span>
                    )}
                    {isAdmin ? (
                      <div className="w-32">
                        <NativeSelect
                          aria-label={`Role of ${name}`}
                          value={member.role}
                          disabled={lastAdmin || busy !== null}
                          title={
                            lastAdmin
                              ? "Make someone else an admin before changing this role."
                              : undefined
                          }
                          onChange={(event) => void changeRole(member, event.target.value as Role)}
                        >
                          <option value="admin">Admin</option>
                          <option value="operator">Operator</option>
                        </NativeSelect>
                      </div>
                    ) : (
                      <Badge
                        variant={member.role === "admin" ? "default" : "secondary"}
                        data-testid="member-row-role"
                      >
                        {member.role}
                      </Badge>
                    )}
                    {isAdmin && !member.isYou && (
                      <RemoveMemberDialog
                        name={name}
                        disabled={lastAdmin || busy !== null}
                        onRemove={() => remove(member)}
                      />
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
          {data.more && (
            <p className="text-sm text-muted-foreground">
              Showing the first {data.members.length} members.
            </p>
          )}
        </div>
      )}
    </>
  );
}

/** With Clerk, members, roles and invitations are Clerk's: its own organization UI manages them. */
function ClerkMembersView() {
  return (
    <>
      <PageHeader title="Members" description={DESCRIPTION} />
      <OrganizationProfile routing="hash" />
    </>
  );
}

/** The organization's members: Clerk's organization profile, or the local list. */
export function MembersView() {
  return authMode === "clerk" ? <ClerkMembersView /> : <LocalMembersView />;
}
