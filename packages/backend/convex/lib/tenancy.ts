/**
 * Tenancy made structural: the row-level rules every `public/` and `private/`
 * builder applies to the `ctx.db` it hands a handler (convex-helpers
 * `wrapDatabaseReader` / `wrapDatabaseWriter`, `lib/functions.ts`).
 *
 * Through that `ctx.db`, a document of another organization reads as absent
 * (`get` returns null, queries skip it) and cannot be inserted, patched,
 * replaced or deleted (a plain `Error`: handlers check first and throw a
 * clearer `NOT_FOUND`, so reaching a rule's refusal is a bug, not a user
 * error). This holds whatever a handler does with an id it was given.
 *
 * `TABLE_RULES` names every table in `schema.ts` (a type error and a test,
 * `lib/tenancy.test.ts`, fail when a new table has no rule), and the wrapper
 * also denies by default. Tables:
 *
 * - organization-owned (`organizationId`): the caller's organization only;
 * - `organizations`: the caller's own row; inserting one only in `bootstrap`
 *   (`memberMutation`), for the organization its token names;
 * - `users` (shared across organizations): the caller, or people who are or
 *   were members of the caller's organization (authors of its messages);
 *   written only for oneself, inserted only by members (`members.add`);
 * - `webhookEvents`: internal bookkeeping of `system/`, never reachable;
 * - `_storage` and the other system tables (`ctx.db.system`) are not wrapped:
 *   storage ids are checked by the functions that accept them.
 *
 * Visitors (`visitorQuery` / `visitorMutation`) are narrowed further to their
 * own session: its `contactSessions` row, its conversations, and those
 * conversations' messages, typing indicators, reads, gaps and notifications.
 *
 * The rules read with the unwrapped reader (convex-helpers applies no rule
 * inside a rule) and memoize what they look up, once per function call.
 */
import {
  wrapDatabaseReader,
  wrapDatabaseWriter,
  type Rules,
} from "convex-helpers/server/rowLevelSecurity";

import type { DataModel, Doc, Id, TableNames } from "../_generated/dataModel";
import type { DatabaseReader, DatabaseWriter } from "../_generated/server";

/** Who a function call acts for, as the rules see it. */
export type TenantScope = {
  /** The unwrapped reader, for the rules' own lookups. */
  db: DatabaseReader;
  /**
   * The caller's organization. Only `bootstrap` (`memberMutation`) starts
   * without one; there it is found by `orgExternalId` once it exists.
   */
  organizationId: Id<"organizations"> | null;
  /** The organization's public id, for `memberMutation`, which may create it. */
  orgExternalId?: string;
  /** A signed-in member's `tokenIdentifier`: the `users` row they may write. */
  tokenIdentifier?: string;
  /** A visitor's session: session-owned rows are narrowed to it. */
  session?: Doc<"contactSessions">;
  /** Rules' lookups, once per call. */
  memo: Map<string, Promise<boolean>>;
};

/** A scope for one call; `lib/functions.ts` builds one per builder. */
export function tenantScope(
  db: DatabaseReader,
  scope: Omit<TenantScope, "db" | "memo">,
): TenantScope {
  return { db, ...scope, memo: new Map() };
}

function memoize(scope: TenantScope, key: string, look: () => Promise<boolean>) {
  let found = scope.memo.get(key);
  if (!found) {
    found = look();
    scope.memo.set(key, found);
  }
  return found;
}

/** The caller's organization id, resolving `bootstrap`'s by its public id (not memoized: it may be created mid-call). */
async function organizationOf(scope: TenantScope): Promise<Id<"organizations"> | null> {
  if (scope.organizationId) return scope.organizationId;
  if (scope.orgExternalId === undefined) return null;
  const organization = await scope.db
    .query("organizations")
    .withIndex("by_external_id", (q) => q.eq("externalId", scope.orgExternalId!))
    .unique();
  if (organization) scope.organizationId = organization._id;
  return organization?._id ?? null;
}

async function isOwnOrganization(scope: TenantScope, organizationId: Id<"organizations">) {
  return (await organizationOf(scope)) === organizationId;
}

/** Whether a conversation is the visitor's (always true for members: the organization check decides). */
function isSessionConversation(scope: TenantScope, conversationId: Id<"conversations">) {
  const session = scope.session;
  if (!session) return Promise.resolve(true);
  return memoize(scope, `conversation:${conversationId}`, async () => {
    const conversation = await scope.db.get("conversations", conversationId);
    return conversation?.contactSessionId === session._id;
  });
}

/** Whether a user is or was a member of the caller's organization. */
function isColleague(scope: TenantScope, user: Doc<"users">) {
  return memoize(scope, `user:${user._id}`, async () => {
    const organizationId = await organizationOf(scope);
    if (!organizationId) return false;
    const membership = await scope.db
      .query("memberships")
      .withIndex("by_organization_id_and_user_id", (q) =>
        q.eq("organizationId", organizationId).eq("userId", user._id),
      )
      .unique();
    if (membership) return true;
    // A removed member still authored the organization's older messages.
    const removal = await scope.db
      .query("membershipRemovals")
      .withIndex("by_organization_id_and_user_external_id", (q) =>
        q.eq("organizationId", organizationId).eq("userExternalId", user.externalId),
      )
      .first();
    return removal !== null;
  });
}

type TableRules = {
  [T in TableNames]-?: Required<NonNullable<Rules<TenantScope, DataModel>[T]>>;
};

type Owned = { organizationId: Id<"organizations"> };

/** The same rule for reading, writing and inserting a row. */
function everyAccess<D>(rule: (scope: TenantScope, doc: D) => Promise<boolean>) {
  return { read: rule, modify: rule, insert: rule };
}

/** Rows that belong to one organization. */
const organizationOwned = everyAccess((scope, doc: Owned) =>
  isOwnOrganization(scope, doc.organizationId),
);

/** Organization rows that a visitor sees only for their own conversations. */
const conversationOwned = everyAccess(
  async (scope, doc: Owned & { conversationId?: Id<"conversations"> }) =>
    (await isOwnOrganization(scope, doc.organizationId)) &&
    (doc.conversationId === undefined || (await isSessionConversation(scope, doc.conversationId))),
);

/** Never reachable from a client-callable function. */
const internalOnly = everyAccess(() => Promise.resolve(false));

/** The caller's own organization row (by its public id in `bootstrap`, before it may exist). */
const isOwnOrganizationRow = (
  scope: TenantScope,
  doc: Pick<Doc<"organizations">, "_id" | "externalId">,
) =>
  Promise.resolve(
    doc._id === scope.organizationId ||
      (scope.orgExternalId !== undefined && doc.externalId === scope.orgExternalId),
  );

/** A member's own `users` row. */
const isSelf = (scope: TenantScope, doc: Pick<Doc<"users">, "tokenIdentifier">) =>
  scope.tokenIdentifier !== undefined && doc.tokenIdentifier === scope.tokenIdentifier;

export const TABLE_RULES: TableRules = {
  organizations: {
    read: isOwnOrganizationRow,
    modify: isOwnOrganizationRow,
    // Only `bootstrap` creates an organization: the one its caller's token names.
    insert: (scope, doc) =>
      Promise.resolve(
        scope.organizationId === null &&
          scope.orgExternalId !== undefined &&
          doc.externalId === scope.orgExternalId,
      ),
  },
  users: {
    read: async (scope, doc) => isSelf(scope, doc) || (await isColleague(scope, doc)),
    // Users are shared across organizations: nobody edits someone else's profile.
    modify: (scope, doc) => Promise.resolve(isSelf(scope, doc)),
    // Members create users (their own at sign-in, or a colleague in `members.add`); visitors never do.
    insert: (scope) => Promise.resolve(scope.tokenIdentifier !== undefined),
  },
  memberships: organizationOwned,
  membershipRemovals: organizationOwned,
  subscriptions: organizationOwned,
  usage: organizationOwned,
  aiBudgets: organizationOwned,
  auditLogs: organizationOwned,
  widgetSettings: organizationOwned,
  plugins: organizationOwned,
  cannedResponses: organizationOwned,
  conversationCounts: organizationOwned,
  knowledgeSources: organizationOwned,
  knowledgeChunks: organizationOwned,
  knowledgeStats: organizationOwned,
  uploads: organizationOwned,
  playgroundRuns: organizationOwned,
  vapiSettings: organizationOwned,
  voiceCalls: conversationOwned,
  // A visitor reaches their own session only (and never creates one: `widgetMutation` does).
  contactSessions: everyAccess(
    async (scope, doc: Owned & { _id?: Id<"contactSessions"> }) =>
      (await isOwnOrganization(scope, doc.organizationId)) &&
      (scope.session === undefined || doc._id === scope.session._id),
  ),
  conversations: everyAccess(
    async (scope, doc: Owned & { contactSessionId: Id<"contactSessions"> }) =>
      (await isOwnOrganization(scope, doc.organizationId)) &&
      (scope.session === undefined || doc.contactSessionId === scope.session._id),
  ),
  messages: conversationOwned,
  messageDeltas: conversationOwned,
  typingIndicators: conversationOwned,
  conversationReads: conversationOwned,
  knowledgeGaps: conversationOwned,
  notifications: conversationOwned,
  webhookEvents: internalOnly,
};

/** `ctx.db` for a query: another organization's rows read as absent. */
export function scopedReader(scope: TenantScope): DatabaseReader {
  return wrapDatabaseReader(scope, scope.db, TABLE_RULES, { defaultPolicy: "deny" });
}

/** `ctx.db` for a mutation: another organization's rows can be neither read nor written. */
export function scopedWriter(db: DatabaseWriter, scope: TenantScope): DatabaseWriter {
  return wrapDatabaseWriter(scope, db, TABLE_RULES, { defaultPolicy: "deny" });
}
