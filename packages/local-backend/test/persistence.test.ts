/**
 * Durability of Parley's own backend, seen through the official clients: a
 * clean restart keeps everything (component data included), and a process
 * killed with SIGKILL in the middle of a burst of mutations keeps every
 * mutation a client saw succeed, with the same ids and creation times.
 */
import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { ConvexClient } from "convex/browser";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionReturnType } from "convex/server";
import { ConvexError } from "convex/values";
import { beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { removeTempDirs, startCli, tempDir } from "./apps.js";
import { memberClaims, QueryWatch, startBackend, startVisitorSession } from "./support.js";
import { useServerTests } from "./server.js";

type MessagePage = FunctionReturnType<typeof api.public.messages.list>;
type Message = MessagePage["page"][number];

const server = useServerTests({ cleanup: removeTempDirs });
const { connect } = server;

beforeAll(() => {
  // The agent streams its reply word by word; no pauses between words in tests.
  process.env.PARLEY_STREAM_PACING_MS = "0";
});

async function signedIn(url: string, token: string): Promise<ConvexClient> {
  const client = connect(url);
  const authenticated = await new Promise<boolean>((resolve) =>
    client.setAuth(() => Promise.resolve(token), resolve),
  );
  expect(authenticated).toBe(true);
  return client;
}

async function start(dataDir: string): Promise<LocalBackend> {
  return server.track(await startBackend({ dataDir, onFunctionLog: () => {} }));
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  return error instanceof ConvexError ? (error.data as { code: string }).code : undefined;
}

function watchMessages(
  client: ConvexClient,
  sessionToken: string,
  conversationId: Id<"conversations">,
) {
  return new QueryWatch<MessagePage>((onValue, onError) =>
    client.onUpdate(
      api.public.messages.list,
      {
        sessionToken,
        conversationId,
        paginationOpts: { numItems: 50, cursor: null },
      },
      onValue,
      onError,
    ),
  );
}

/** The newest message is a finished AI reply to the visitor's message `after`. */
function answered(after: Message) {
  return (page: MessagePage) => {
    const newest = page.page[0];
    return (
      newest !== undefined &&
      newest.role === "ai" &&
      newest._creationTime > after._creationTime &&
      newest.status !== "streaming"
    );
  };
}

describe("a restart", () => {
  test("keeps documents, ids, creation times and component data", async () => {
    const dataDir = await tempDir("restart");
    const organizationId = "org_restart";
    let backend = await start(dataDir);

    const admin = await signedIn(
      backend.url,
      await server.issuer.sign(memberClaims(organizationId, "admin")),
    );
    await admin.mutation(api.private.organizations.bootstrap, {});
    await admin.mutation(api.private.widgetSettings.update, { agentName: "Persisted" });

    const visitor = connect(backend.url);
    const { sessionToken } = await startVisitorSession(backend.siteUrl, {
      organizationId,
      name: "Ada",
      metadata: {},
    });
    const conversationIds: Id<"conversations">[] = [];
    // A visitor may open 5 conversations at once (the rate limiter component's state).
    for (let index = 0; index < 5; index++) {
      conversationIds.push(
        await visitor.mutation(api.public.conversations.create, { sessionToken }),
      );
    }
    expect(
      await errorCode(visitor.mutation(api.public.conversations.create, { sessionToken })),
    ).toBe("RATE_LIMITED");

    const conversationId = conversationIds[0]!;
    const messages = watchMessages(visitor, sessionToken, conversationId);
    const sentId = await visitor.mutation(api.public.messages.send, {
      sessionToken,
      conversationId,
      body: "What are your opening hours?",
    });
    const sent = (
      await messages.value((page) => page.page.some((m) => m._id === sentId))
    ).page.find((m) => m._id === sentId)!;
    const before = await messages.value(answered(sent));
    messages.unsubscribe();

    await backend.close();
    backend = await start(dataDir);

    const visitorAgain = connect(backend.url);
    const after = await watchMessages(visitorAgain, sessionToken, conversationId).value();
    expect(after.page).toEqual(before.page);
    const conversations = await visitorAgain.query(api.public.conversations.list, {
      sessionToken,
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(conversations.page.map((conversation) => conversation._id).sort()).toEqual(
      [...conversationIds].sort(),
    );
    expect(
      await visitorAgain.query(api.public.widgetSettings.getByOrganization, { organizationId }),
    ).toMatchObject({ agentName: "Persisted" });
    // The rate limiter's tables came back too: the visitor is still out of conversations.
    expect(
      await errorCode(visitorAgain.mutation(api.public.conversations.create, { sessionToken })),
    ).toBe("RATE_LIMITED");

    // New writes work, with new ids, and the scheduler answers again.
    const watch = watchMessages(visitorAgain, sessionToken, conversationId);
    const nextId = await visitorAgain.mutation(api.public.messages.send, {
      sessionToken,
      conversationId,
      body: "And on Sundays?",
    });
    expect(before.page.map((m) => m._id)).not.toContain(nextId);
    const next = (await watch.value((page) => page.page.some((m) => m._id === nextId))).page.find(
      (m) => m._id === nextId,
    )!;
    const answeredAgain = await watch.value(answered(next));
    expect(answeredAgain.page.length).toBe(before.page.length + 2);
  });
});

describe("kill -9 during a burst of mutations", () => {
  test("every mutation applies exactly once: the clients resend across the restart, nothing is lost or doubled", async () => {
    const dataDir = await tempDir("crash");
    const organizationId = "org_crash";
    const token = await server.issuer.sign(memberClaims(organizationId, "admin"));
    const env = { PARLEY_LOCAL_BACKEND_DATA_DIR: dataDir };

    const first = await startCli(env);
    const writers = await Promise.all(Array.from({ length: 4 }, () => signedIn(first.url, token)));
    await writers[0]!.mutation(api.private.organizations.bootstrap, {});
    // Component data in the log too: a visitor uses up their conversations (the rate limiter's state).
    const visitor = connect(first.url);
    const { sessionToken } = await startVisitorSession(first.siteUrl, {
      organizationId,
      metadata: {},
    });
    for (let index = 0; index < 5; index++) {
      await visitor.mutation(api.public.conversations.create, { sessionToken });
    }

    // What a subscriber was shown before the crash must come back exactly (id → creation time).
    const shown = new Map<string, number>();
    // The backend caps a page at 100 items; the subscriber watches the first page.
    const listArgs = { paginationOpts: { numItems: 100, cursor: null } };
    const unsubscribe = writers[0]!.onUpdate(api.private.knowledgeBase.list, listArgs, (page) => {
      for (const source of page.page) shown.set(source._id, source._creationTime);
    });

    // Each writer sends its mutations one after another, as a write loop does; the official
    // client keeps every one it has not seen in a Transition and sends those again after the
    // restart, some of which had committed (and been answered) before the crash.
    const perWriter = 60;
    const acknowledged: string[] = [];
    const failures: unknown[] = [];
    let killedAt = -1;
    let killed!: () => void;
    const killing = new Promise<void>((resolve) => (killed = resolve));
    const loops = writers.map(async (writer, w) => {
      for (let index = 0; index < perWriter; index++) {
        const sent = writer.mutation(api.private.knowledgeBase.addText, {
          title: `Article ${w}-${index}`,
          text: `Body of article ${w}-${index}.`,
        });
        // Also keep a few in flight at once (the client queues them in order).
        if (index % 4 !== 3) {
          void sent.then(
            (id) => acknowledged.push(id),
            (error: unknown) => failures.push(error),
          );
          continue;
        }
        try {
          acknowledged.push(await sent);
        } catch (error) {
          failures.push(error);
        }
        if (acknowledged.length >= 40 && killedAt === -1) {
          killedAt = acknowledged.length;
          first.child.kill("SIGKILL");
          killed();
        }
      }
    });
    await killing;
    expect((await first.exited).signal).toBe("SIGKILL");
    const seenBeforeCrash = new Map(shown);
    unsubscribe();

    // Same address: the clients reconnect by themselves and resend.
    const second = await startCli({
      ...env,
      PARLEY_LOCAL_BACKEND_PORT: new URL(first.url).port,
      PARLEY_LOCAL_BACKEND_SITE_PORT: "0",
    });
    try {
      await Promise.all(loops);
      await expect
        .poll(() => acknowledged.length + failures.length, { timeout: 60_000 })
        .toBe(4 * perWriter);
      expect(failures).toEqual([]);
      // The kill really came in the middle of the burst.
      expect(killedAt).toBeLessThan(4 * perWriter);

      const http = new ConvexHttpClient(second.url, { logger: false });
      http.setAuth(token);
      // Every article, page by page (the backend caps a page's size).
      const stored: FunctionReturnType<typeof api.private.knowledgeBase.list>["page"] = [];
      for (let cursor: string | null = null, done = false; !done;) {
        const page: FunctionReturnType<typeof api.private.knowledgeBase.list> = await http.query(
          api.private.knowledgeBase.list,
          {
            paginationOpts: { numItems: 100, cursor },
          },
        );
        stored.push(...page.page);
        ({ continueCursor: cursor, isDone: done } = page);
      }
      // Exactly once: every article once, none twice, and the ids the clients got are the ones stored.
      const titles = stored.map((source) => source.title).sort();
      const expected = writers
        .flatMap((_, w) => Array.from({ length: perWriter }, (_, i) => `Article ${w}-${i}`))
        .sort();
      expect(titles).toEqual(expected);
      expect(new Set(acknowledged).size).toBe(4 * perWriter);
      expect(stored.map((source) => source._id as string).sort()).toEqual([...acknowledged].sort());
      const creationTimes = new Map(
        stored.map((source) => [source._id as string, source._creationTime]),
      );
      for (const [id, creationTime] of seenBeforeCrash) {
        expect(creationTimes.get(id)).toBe(creationTime);
      }

      const fresh = await http.mutation(api.private.knowledgeBase.addText, {
        title: "After the crash",
        text: "Written after the restart.",
      });
      expect(creationTimes.has(fresh)).toBe(false);

      const anonymous = new ConvexHttpClient(second.url, { logger: false });
      expect(
        await errorCode(anonymous.mutation(api.public.conversations.create, { sessionToken })),
      ).toBe("RATE_LIMITED");
    } finally {
      await Promise.all([...writers, visitor].map((client) => client.close()));
      second.child.kill("SIGTERM");
      expect((await second.exited).code).toBe(0);
    }
  });
});
