/**
 * The local identity provider's directory: users, organizations and who
 * belongs where, kept as one JSON file in the data directory. It plays the
 * part Clerk plays in production, for offline development only. Server-only.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

export type LocalRole = "admin" | "operator";
export type LocalUser = { id: string; name: string; email: string };
export type LocalOrganization = { id: string; name: string; slug: string };
export type LocalMembership = { userId: string; organizationId: string; role: LocalRole };
export type Directory = {
  users: LocalUser[];
  organizations: LocalOrganization[];
  memberships: LocalMembership[];
};

/** A request the directory refuses, with a message for the person who made it. */
export class DirectoryError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function cleanName(value: unknown, what: string): string {
  const name = typeof value === "string" ? value.trim() : "";
  if (name.length === 0) throw new DirectoryError(`${what} cannot be empty.`);
  if (name.length > 80) throw new DirectoryError(`${what} must be at most 80 characters.`);
  return name;
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "organization"
  );
}

function isRole(value: unknown): value is LocalRole {
  return value === "admin" || value === "operator";
}

/** Refuse a change that would leave the membership's organization without an admin. */
function assertKeepsAnAdmin(
  directory: Directory,
  membership: LocalMembership,
  nextRole: LocalRole | null,
) {
  if (membership.role !== "admin" || nextRole === "admin") return;
  const admins = directory.memberships.filter(
    (m) => m.organizationId === membership.organizationId && m.role === "admin",
  );
  if (admins.length <= 1) {
    const user = directory.users.find((u) => u.id === membership.userId);
    throw new DirectoryError(
      `${user?.name ?? "This member"} is the organization's only admin. Make someone else an admin first.`,
    );
  }
}

const newId = (prefix: string) => `${prefix}_${randomBytes(9).toString("base64url")}`;

export class LocalDirectory {
  private readonly file: string;
  /** Writes are serialised so two requests never lose each other's change. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = path.resolve(dataDir, "local-auth", "directory.json");
  }

  async read(): Promise<Directory> {
    try {
      return JSON.parse(await readFile(this.file, "utf8")) as Directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return { users: [], organizations: [], memberships: [] };
      }
      throw error;
    }
  }

  private update<T>(change: (directory: Directory) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const directory = await this.read();
      const result = change(directory);
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(directory, null, 2));
      await rename(temporary, this.file);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  createUser(input: { name: unknown; email: unknown }): Promise<LocalUser> {
    const name = cleanName(input.name, "Name");
    const email = typeof input.email === "string" ? input.email.trim().toLowerCase() : "";
    if (!EMAIL.test(email) || email.length > 254) {
      return Promise.reject(new DirectoryError("Please enter a valid email address."));
    }
    return this.update((directory) => {
      const existing = directory.users.find((user) => user.email === email);
      if (existing)
        throw new DirectoryError(`${email} already has an account: pick it from the list.`);
      const user = { id: newId("user"), name, email };
      directory.users.push(user);
      return user;
    });
  }

  /** A new organization whose creator becomes its admin, as in Clerk. */
  createOrganization(input: { name: unknown; ownerUserId: unknown }): Promise<LocalOrganization> {
    const name = cleanName(input.name, "Organization name");
    return this.update((directory) => {
      const owner = directory.users.find((user) => user.id === input.ownerUserId);
      if (!owner) throw new DirectoryError("Pick the user who owns the new organization.");
      const organization = { id: newId("org"), name, slug: slugify(name) };
      directory.organizations.push(organization);
      directory.memberships.push({
        userId: owner.id,
        organizationId: organization.id,
        role: "admin",
      });
      return organization;
    });
  }

  /** Add a user to an organization, or change their role there. */
  setMembership(input: { userId: unknown; organizationId: unknown; role: unknown }) {
    if (input.role !== "admin" && input.role !== "operator") {
      return Promise.reject(new DirectoryError('Role must be "admin" or "operator".'));
    }
    const role = input.role;
    return this.update((directory) => {
      if (!directory.users.some((user) => user.id === input.userId))
        throw new DirectoryError("Unknown user.");
      if (!directory.organizations.some((org) => org.id === input.organizationId)) {
        throw new DirectoryError("Unknown organization.");
      }
      const membership = directory.memberships.find(
        (m) => m.userId === input.userId && m.organizationId === input.organizationId,
      );
      if (membership) {
        assertKeepsAnAdmin(directory, membership, role);
        membership.role = role;
      } else {
        directory.memberships.push({
          userId: input.userId as string,
          organizationId: input.organizationId as string,
          role,
        });
      }
      return {
        userId: input.userId as string,
        organizationId: input.organizationId as string,
        role,
      };
    });
  }

  /** Add an existing user to an organization (the Members page); refuses someone already there. */
  addMember(input: { userId: unknown; organizationId: string; role: unknown }) {
    const { role } = input;
    if (!isRole(role))
      return Promise.reject(new DirectoryError('Role must be "admin" or "operator".'));
    return this.update((directory) => {
      const user = directory.users.find((u) => u.id === input.userId);
      if (!user) throw new DirectoryError("Pick a user to add.");
      if (!directory.organizations.some((org) => org.id === input.organizationId)) {
        throw new DirectoryError("Unknown organization.");
      }
      if (
        directory.memberships.some(
          (m) => m.userId === user.id && m.organizationId === input.organizationId,
        )
      ) {
        throw new DirectoryError(`${user.name} is already a member.`);
      }
      directory.memberships.push({ userId: user.id, organizationId: input.organizationId, role });
      return { user, role };
    });
  }

  /** Change a member's role; the last admin stays an admin. */
  changeRole(input: { userId: unknown; organizationId: string; role: unknown }) {
    const { role } = input;
    if (!isRole(role))
      return Promise.reject(new DirectoryError('Role must be "admin" or "operator".'));
    return this.update((directory) => {
      const membership = directory.memberships.find(
        (m) => m.userId === input.userId && m.organizationId === input.organizationId,
      );
      if (!membership) throw new DirectoryError("This user is not a member of the organization.");
      assertKeepsAnAdmin(directory, membership, role);
      membership.role = role;
      return { userId: membership.userId, role };
    });
  }

  /** Remove a member from an organization; the last admin stays. */
  removeMember(input: { userId: unknown; organizationId: string }) {
    return this.update((directory) => {
      const index = directory.memberships.findIndex(
        (m) => m.userId === input.userId && m.organizationId === input.organizationId,
      );
      const membership = directory.memberships[index];
      if (!membership) throw new DirectoryError("This user is not a member of the organization.");
      assertKeepsAnAdmin(directory, membership, null);
      directory.memberships.splice(index, 1);
      return { userId: membership.userId };
    });
  }

  /** The user, organization and role of a membership, or null if there is none. */
  async resolve(userId: string, organizationId: string) {
    const directory = await this.read();
    const user = directory.users.find((u) => u.id === userId);
    const organization = directory.organizations.find((o) => o.id === organizationId);
    const membership = directory.memberships.find(
      (m) => m.userId === userId && m.organizationId === organizationId,
    );
    if (!user || !organization || !membership) return null;
    return { user, organization, role: membership.role };
  }
}
