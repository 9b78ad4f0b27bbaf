"use client";

import { Alert, AlertDescription } from "@parley/ui/components/alert";
import { Button } from "@parley/ui/components/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@parley/ui/components/dialog";
import { Input } from "@parley/ui/components/input";
import { Label } from "@parley/ui/components/label";
import { NativeSelect } from "@parley/ui/components/native-select";
import { useState, type FormEvent } from "react";

import { isUpgradeError, UpgradePrompt } from "~/modules/billing/upgrade";
import { ErrorIcon } from "~/modules/dashboard/icons";

import type { DirectoryUser, Role } from "./local-members";

const NEW_USER = "new";
const EMPTY = { who: NEW_USER, name: "", email: "", role: "operator" as Role };

export type NewMember =
  { userId: string; role: Role } | { name: string; email: string; role: Role };

/**
 * Add a member through the local identity provider: a user it already knows
 * (signed up for another organization) or a new one. Admins only.
 */
export function AddMemberDialog({
  candidates,
  onAdd,
}: {
  candidates: DirectoryUser[];
  /** Does the work; throws with a message for the admin (or the backend's plan refusal) when it fails. */
  onAdd: (member: NewMember) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState(EMPTY);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const isNew = form.who === NEW_USER;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await onAdd(
        isNew
          ? { name: form.name, email: form.email, role: form.role }
          : { userId: form.who, role: form.role },
      );
      setForm(EMPTY);
      setOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setError(null);
      }}
    >
      <DialogTrigger asChild>
        <Button>Add member</Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle>Add a member</DialogTitle>
            <DialogDescription>
              They sign in with the local sign-in and work in this organization with the role you
              pick.
            </DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-2">
            <Label htmlFor="member-who">User</Label>
            <NativeSelect
              id="member-who"
              value={form.who}
              onChange={(event) => setForm({ ...form, who: event.target.value })}
            >
              <option value={NEW_USER}>A new user…</option>
              {candidates.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name} ({user.email})
                </option>
              ))}
            </NativeSelect>
          </div>
          {isNew && (
            <>
              <div className="flex flex-col gap-2">
                <Label htmlFor="member-name">Name</Label>
                <Input
                  id="member-name"
                  required
                  maxLength={80}
                  value={form.name}
                  onChange={(event) => setForm({ ...form, name: event.target.value })}
                />
              </div>
              <div className="flex flex-col gap-2">
                <Label htmlFor="member-email">Email</Label>
                <Input
                  id="member-email"
                  type="email"
                  required
                  maxLength={254}
                  value={form.email}
                  onChange={(event) => setForm({ ...form, email: event.target.value })}
                />
              </div>
            </>
          )}
          <div className="flex flex-col gap-2">
            <Label htmlFor="member-role">Role</Label>
            <NativeSelect
              id="member-role"
              value={form.role}
              onChange={(event) => setForm({ ...form, role: event.target.value as Role })}
            >
              <option value="operator">Operator: works the inbox</option>
              <option value="admin">Admin: also manages settings and members</option>
            </NativeSelect>
          </div>
          {error !== null &&
            (isUpgradeError(error) ? (
              <UpgradePrompt error={error} />
            ) : (
              <Alert variant="destructive" role="alert">
                <ErrorIcon />
                <AlertDescription>
                  <p>
                    {error instanceof Error
                      ? error.message
                      : "Something went wrong. Please try again."}
                  </p>
                </AlertDescription>
              </Alert>
            ))}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={saving}>
              {saving ? "Adding…" : "Add member"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
