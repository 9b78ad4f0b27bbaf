/**
 * Reactive pagination: pages subscribed the way `usePaginatedQuery` does
 * (first page with `cursor: null`, the next from its `continueCursor`) keep
 * the bounds of their first run through the query journal, so documents
 * inserted or moved never shift between pages. Driven through the official
 * `ConvexClient` against Parley's inbox (`private/conversations:list`), and
 * on the wire for the journal a client re-sends when it re-subscribes.
 */
import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { ConvexClient } from "convex/browser";
import type { FunctionReturnType } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";

import { journalEndCursor } from "../src/pagination.js";
import type { LocalBackend } from "../src/index.js";
import { fill, openInbox } from "./inbox.js";
import { QueryWatch, RawSyncClient, startBackend } from "./support.js";
import { useServerTests } from "./server.js";

type InboxPage = FunctionReturnType<typeof api.private.conversations.list>;

const server = useServerTests();
let backend: LocalBackend;

async function signedIn(token: string): Promise<ConvexClient> {
  const client = server.connect(backend.url);
  await new Promise<boolean>((resolve) => client.setAuth(() => Promise.resolve(token), resolve));
  return client;
}

/** One page of the inbox, subscribed with the options `usePaginatedQuery` sends. */
function watchPage(client: ConvexClient, cursor: string | null) {
  const args = { paginationOpts: { numItems: 3, cursor, id: 1 } };
  let subscription: ReturnType<ConvexClient["onUpdate"]> | undefined;
  const watch = new QueryWatch<InboxPage>(
    (onValue, onError) =>
      (subscription = client.onUpdate(api.private.conversations.list, args, onValue, onError)),
  );
  /** The client's current result, updated for a whole Transition before any callback runs. */
  const current = () => subscription?.getCurrentValue() as InboxPage | undefined;
  return Object.assign(watch, { current });
}

const ids = (page: InboxPage) => page.page.map((conversation) => conversation._id);
const newestFirst = (conversations: Id<"conversations">[]) => [...conversations].reverse();

beforeAll(async () => {
  backend = server.track(await startBackend());
});

describe("paginated subscriptions", () => {
  test("the first page grows with new conversations while the second stays put", async () => {
    const inbox = await openInbox(backend, server.issuer, "org_pages");
    const [c1, c2, c3, c4, c5, c6] = await fill(inbox, 6);
    const client = await signedIn(inbox.adminToken);

    const first = watchPage(client, null);
    const firstPage = await first.value();
    expect(ids(firstPage)).toEqual([c6, c5, c4]);
    const second = watchPage(client, firstPage.continueCursor);
    expect(ids(await second.value())).toEqual([c3, c2, c1]);

    const [c7, c8] = await fill(inbox, 2);
    const grown = await first.value((page) => page.page.length === 5);
    expect(ids(grown)).toEqual([c8, c7, c6, c5, c4]);
    // Same end as before, so the second page still starts right after it.
    expect(grown.continueCursor).toBe(firstPage.continueCursor);
    // The page outgrew its size: the server offers where to split it.
    expect(grown.splitCursor).toEqual(expect.any(String));

    // Results of one commit arrive together: page two's is current, and never changed.
    expect(ids(second.current()!)).toEqual([c3, c2, c1]);
    expect(second.events.map((event) => event.ok && ids(event.value))).toEqual([[c3, c2, c1]]);
    first.unsubscribe();
    second.unsubscribe();
  });

  test("a page whose last conversation moves away keeps its end and the next page loads", async () => {
    const inbox = await openInbox(backend, server.issuer, "org_moves");
    const [c1, c2, c3, c4, c5, c6, c7] = await fill(inbox, 7);
    const client = await signedIn(inbox.adminToken);

    const first = watchPage(client, null);
    const firstPage = await first.value();
    expect(ids(firstPage)).toEqual([c7, c6, c5]);
    const second = watchPage(client, firstPage.continueCursor);
    const secondPage = await second.value();
    expect(ids(secondPage)).toEqual([c4, c3, c2]);
    expect(secondPage.isDone).toBe(false);

    // A reply moves c2, the document the second page ends at, to the top.
    await inbox.reply(c2!);
    expect(ids(await first.value((page) => page.page.length === 4))).toEqual([c2, c7, c6, c5]);
    const shrunk = await second.value((page) => page.page.length === 2);
    expect(ids(shrunk)).toEqual([c4, c3]);
    expect(shrunk).toMatchObject({ isDone: false, continueCursor: secondPage.continueCursor });

    const third = watchPage(client, shrunk.continueCursor);
    expect(ids(await third.value())).toEqual([c1]);
    for (const watch of [first, second, third]) watch.unsubscribe();
  });

  test("without a journal a page is re-cut to its size (what the journal prevents)", async () => {
    const inbox = await openInbox(backend, server.issuer, "org_fresh");
    const conversations = await fill(inbox, 4);
    const client = await signedIn(inbox.adminToken);
    // A one-off query has no journal: it is always the newest three.
    const page = await client.query(api.private.conversations.list, {
      paginationOpts: { numItems: 3, cursor: null },
    });
    expect(ids(page)).toEqual(newestFirst(conversations).slice(0, 3));
  });
});

describe("journals on the wire", () => {
  /** The first QueryUpdated for `queryId` (auth and query results may come in separate Transitions). */
  async function queryUpdate(client: RawSyncClient, queryId: number) {
    for (;;) {
      const transition = await client.expect("Transition");
      const update = transition.modifications.find(
        (modification): modification is Extract<typeof modification, { type: "QueryUpdated" }> =>
          modification.type === "QueryUpdated" && modification.queryId === queryId,
      );
      if (update) return update;
    }
  }

  async function subscribe(token: string, journal?: string | null) {
    const client = await RawSyncClient.connect(backend.url);
    client.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: token });
    client.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [
        {
          type: "Add",
          queryId: 0,
          udfPath: "private/conversations:list",
          args: [{ paginationOpts: { numItems: 2, cursor: null } }],
          ...(journal !== undefined ? { journal } : {}),
        },
      ],
    });
    const update = await queryUpdate(client, 0);
    client.close();
    return update;
  }

  test("a result carries its page's end, and re-subscribing with it restores the bounds", async () => {
    const inbox = await openInbox(backend, server.issuer, "org_wire_journal");
    const [, c2, c3] = await fill(inbox, 3);

    const original = await subscribe(inbox.adminToken);
    const page = original.value as InboxPage;
    expect(ids(page)).toEqual([c3, c2]);
    expect(journalEndCursor(original.journal)).toBe(page.continueCursor);

    const [c4] = await fill(inbox, 1);
    // As after a reconnect: the client sends the journal it was given.
    const restored = await subscribe(inbox.adminToken, original.journal);
    expect(ids(restored.value as InboxPage)).toEqual([c4, c3, c2]);
    expect(restored.journal).toBe(original.journal);

    // A new subscription (no journal) starts over with the newest two.
    expect(ids((await subscribe(inbox.adminToken)).value as InboxPage)).toEqual([c4, c3]);
    // A journal this backend did not write is ignored.
    expect(ids((await subscribe(inbox.adminToken, "not ours")).value as InboxPage)).toEqual([
      c4,
      c3,
    ]);
  });
});
