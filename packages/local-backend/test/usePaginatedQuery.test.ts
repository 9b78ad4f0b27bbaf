/**
 * `usePaginatedQuery` itself, through `ConvexReactClient`, as the dashboard's
 * inbox uses it: load a page, load more, then conversations arrive and move
 * while both pages are live. The hook's own machinery (page keys, journals
 * re-sent on re-subscription, splitting a page that outgrew its size) runs
 * against the server, so the test fails if the server's journals, end
 * cursors or split cursors do not behave as Convex's.
 *
 * Rendered with react-test-renderer: the hook renders nothing, so no DOM is
 * needed, and the server runs in this same process, where a browser-like
 * test environment (jsdom, happy-dom) would swap Node's globals (fetch, Blob,
 * WebSocket, …) from under it. React 19 deprecates the renderer for testing
 * components (it logs so once); for running a hook it still does the job.
 */
import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { ConvexProvider, ConvexReactClient, usePaginatedQuery } from "convex/react";
import { createElement } from "react";
import { act, create, type ReactTestRenderer } from "react-test-renderer";
import { afterAll, beforeAll, expect, test } from "vitest";
import { WebSocket } from "ws";

import type { LocalBackend } from "../src/index.js";
import { fill, openInbox } from "./inbox.js";
import { createIssuer, startBackend, trustIssuer, type Issuer } from "./support.js";

type Conversation = Id<"conversations">;
type Render = { ids: Conversation[]; status: string; loadMore: (numItems: number) => void };

/** Every render of the hook, with a way to wait for one that satisfies a predicate. */
class Renders {
  readonly all: Render[] = [];
  private waiters: { accept: (render: Render) => boolean; resolve: (render: Render) => void }[] =
    [];

  push(render: Render): void {
    this.all.push(render);
    for (const waiter of [...this.waiters]) {
      if (!waiter.accept(render)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(render);
    }
  }

  /** The first render (already made or future) that `accept` accepts; the test's timeout bounds the wait. */
  until(accept: (render: Render) => boolean): Promise<Render> {
    const seen = this.all.find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ accept, resolve }));
  }

  get latest(): Render {
    return this.all[this.all.length - 1]!;
  }
}

function Inbox({ renders }: { renders: Renders }) {
  const { results, status, loadMore } = usePaginatedQuery(
    api.private.conversations.list,
    {},
    { initialNumItems: 3 },
  );
  renders.push({ ids: results.map((conversation) => conversation._id), status, loadMore });
  return null;
}

const showing = (expected: (Conversation | undefined)[]) => (render: Render) =>
  JSON.stringify(render.ids) === JSON.stringify(expected);

let issuer: Issuer;
let backend: LocalBackend;
let client: ConvexReactClient;
let renderer: ReactTestRenderer | undefined;

beforeAll(async () => {
  issuer = await createIssuer();
  trustIssuer(issuer.jwksDataUri);
  backend = await startBackend();
});

afterAll(async () => {
  // Unmount inside act() so the hook's unsubscribe effects run before the client closes.
  const reactGlobals = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  reactGlobals.IS_REACT_ACT_ENVIRONMENT = true;
  act(() => renderer?.unmount());
  reactGlobals.IS_REACT_ACT_ENVIRONMENT = false;
  await client.close();
  await backend.close();
});

test("usePaginatedQuery keeps every conversation exactly once while pages change under it", async () => {
  const inbox = await openInbox(backend, issuer, "org_hook");
  const [c1, c2, c3, c4, c5, c6] = await fill(inbox, 6);

  client = new ConvexReactClient(backend.url, {
    webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
    unsavedChangesWarning: false,
    logger: false,
  });
  client.setAuth(() => Promise.resolve(inbox.adminToken));
  const renders = new Renders();
  // Server pushes arrive between renders, as in a browser: not wrapped in act().
  renderer = create(createElement(ConvexProvider, { client }, createElement(Inbox, { renders })));

  await renders.until((render) => render.status === "CanLoadMore");
  expect(renders.latest.ids).toEqual([c6, c5, c4]);

  renders.latest.loadMore(3);
  const loaded = await renders.until(showing([c6, c5, c4, c3, c2, c1]));
  expect(loaded.status).toBe("Exhausted");

  // New conversations join the first page; nothing is pushed out of it into a gap.
  const [c7, c8] = await fill(inbox, 2);
  await renders.until(showing([c8, c7, c6, c5, c4, c3, c2, c1]));

  // A reply moves a conversation from the middle of the list to the top.
  await inbox.reply(c4!);
  await renders.until(showing([c4, c8, c7, c6, c5, c3, c2, c1]));
  await inbox.reply(c1!);
  const final = await renders.until(showing([c1, c4, c8, c7, c6, c5, c3, c2]));
  expect(final.status).toBe("Exhausted");

  // At no point did the list show a conversation twice, however pages were re-run or split.
  const duplicated = renders.all.filter((render) => new Set(render.ids).size !== render.ids.length);
  expect(duplicated).toEqual([]);
});
