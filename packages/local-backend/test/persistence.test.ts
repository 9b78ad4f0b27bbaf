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
import { memberClaims, QueryWatch, startBackend } from "./support.js";
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
    const { sessionToken } = await visitor.mutation(api.public.contactSessions.create, {
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
  test("every mutation a client saw succeed is there after a restart, with the same ids and component data", async () => {
    const dataDir = await tempDir("crash");
    const organizationId = "org_crash";
    const token = await server.issuer.sign(memberClaims(organizationId, "admin"));
    const env = { PARLEY_LOCAL_BACKEND_DATA_DIR: dataDir };

    const first = await startCli(env);
    const writers = await Promise.all(Array.from({ length: 4 }, () => signedIn(first.url, token)));
    await writers[0]!.mutation(api.private.organizations.bootstrap, {});
    // Component data in the log too: a visitor uses up their conversations (the rate limiter's state).
    const visitor = connect(first.url);
    const { sessionToken } = await visitor.mutation(api.public.contactSessions.create, {
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
    writers[0]!.onUpdate(api.private.knowledgeBase.list, listArgs, (page) => {
      for (const source of page.page) shown.set(source._id, source._creationTime);
    });

    const acknowledged: string[] = [];
    let inFlightAtKill = -1;
    const total = 4 * 60;
    let settled = 0;
    const killed = new Promise<void>((resolve) => {
      writers.forEach((writer, w) => {
        for (let index = 0; index < 60; index++) {
          writer
            .mutation(api.private.knowledgeBase.addText, {
              title: `Article ${w}-${index}`,
              text: `Body of article ${w}-${index}.`,
            })
            .then((id) => {
              acknowledged.push(id);
              settled += 1;
              if (acknowledged.length === 40) {
                inFlightAtKill = total - settled;
                first.child.kill("SIGKILL");
                resolve();
              }
            })
            .catch(() => (settled += 1));
        }
      });
    });
    await killed;
    expect((await first.exited).signal).toBe("SIGKILL");
    // The kill really came in the middle of the burst.
    expect(inFlightAtKill).toBeGreaterThan(0);
    const seenBeforeCrash = new Map(shown);
    await Promise.all([...writers, visitor].map((client) => client.close()));

    const second = await startCli(env);
    try {
      const http = new ConvexHttpClient(second.url, { logger: false });
      http.setAuth(token);
      /** Every source, page by page. */
      const allSources = async () => {
        const sources: FunctionReturnType<typeof api.private.knowledgeBase.list>["page"] = [];
        let cursor: string | null = null;
        for (;;) {
          const page: FunctionReturnType<typeof api.private.knowledgeBase.list> = await http.query(
            api.private.knowledgeBase.list,
            {
              paginationOpts: { numItems: 100, cursor },
            },
          );
          sources.push(...page.page);
          if (page.isDone) return sources;
          cursor = page.continueCursor;
        }
      };
      const stored = new Map(
        (await allSources()).map((source) => [source._id as string, source._creationTime]),
      );
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      for (const [id, creationTime] of seenBeforeCrash) expect(stored.get(id)).toBe(creationTime);

      const fresh = await http.mutation(api.private.knowledgeBase.addText, {
        title: "After the crash",
        text: "Written after the restart.",
      });
      expect(stored.has(fresh)).toBe(false);
      expect(await allSources()).toHaveLength(stored.size + 1);

      const anonymous = new ConvexHttpClient(second.url, { logger: false });
      expect(
        await errorCode(anonymous.mutation(api.public.conversations.create, { sessionToken })),
      ).toBe("RATE_LIMITED");
    } finally {
      second.child.kill("SIGTERM");
      expect((await second.exited).code).toBe(0);
    }
  });
});
