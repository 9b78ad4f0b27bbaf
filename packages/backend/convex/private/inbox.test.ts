/**
 * The operators' inbox: filters, counts through every status transition,
 * unread markers, waiting time, assignment, takeover and hand-back, notes
 * that never reach the visitor or the model, search, typing indicators and
 * canned responses.
 */
import { describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  asOperator,
  clientFunctions,
  createOrganization,
  createVisitor,
  errorData,
  postSession,
  setup,
  type Test,
} from "../../test/setup";
import { api, internal } from "../_generated/api";

const page = { paginationOpts: { numItems: 50, cursor: null } };

async function inbox() {
  const t = setup();
  await createOrganization(t, "org_a");
  const ada = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken: ada });
  const userId = async (role: "admin" | "operator") =>
    (await t.run(async (ctx) =>
      ctx.db
        .query("users")
        .withIndex("by_token_identifier", (q) =>
          q.eq("tokenIdentifier", `https://auth.parley.test|${role}_org_a`),
        )
        .unique(),
    ))!._id;
  return {
    t,
    ada,
    conversationId,
    admin: asAdmin(t, "org_a"),
    operator: asOperator(t, "org_a"),
    adminId: await userId("admin"),
    operatorId: await userId("operator"),
  };
}

/** The counts the inbox shows, and the truth they must match (counted here by scanning, in a test). */
async function countsAndTruth(t: Test) {
  const counts = await asOperator(t, "org_a").query(api.private.conversations.counts, {});
  const truth = await t.run(async (ctx) => {
    const all = await ctx.db.query("conversations").collect();
    return {
      unresolved: all.filter((c) => c.status === "unresolved").length,
      escalated: all.filter((c) => c.status === "escalated").length,
      resolved: all.filter((c) => c.status === "resolved").length,
    };
  });
  return { counts, truth };
}

describe("the inbox", () => {
  test("counts stay right through every status transition", async () => {
    const { t, ada, conversationId, operator } = await inbox();
    const second = await t.mutation(api.public.conversations.create, { sessionToken: ada });
    const check = async (expected: Record<string, number>) => {
      const { counts, truth } = await countsAndTruth(t);
      expect(counts).toEqual(truth);
      expect(counts).toEqual(expected);
    };
    await check({ unresolved: 2, escalated: 0, resolved: 0 });
    await t.mutation(api.public.conversations.escalate, { sessionToken: ada, conversationId });
    await check({ unresolved: 1, escalated: 1, resolved: 0 });
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "resolved",
    });
    await check({ unresolved: 1, escalated: 0, resolved: 1 });
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "escalated",
    });
    await check({ unresolved: 1, escalated: 1, resolved: 0 });
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "unresolved",
    });
    await check({ unresolved: 2, escalated: 0, resolved: 0 });
    // An operator's reply takes the AI's conversation over.
    await operator.mutation(api.private.messages.send, { conversationId: second, body: "Hi!" });
    await check({ unresolved: 1, escalated: 1, resolved: 0 });
    // Setting the same status twice changes nothing.
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId: second,
      status: "escalated",
    });
    await check({ unresolved: 1, escalated: 1, resolved: 0 });
  });

  test("filters by assignee and channel, and sorts escalated conversations by waiting time", async () => {
    vi.useFakeTimers();
    try {
      const { t, ada, conversationId, operator, operatorId } = await inbox();
      vi.advanceTimersByTime(60_000);
      const bob = await createVisitor(t, "org_a", "Bob");
      const bobs = await t.mutation(api.public.conversations.create, { sessionToken: bob });
      vi.advanceTimersByTime(60_000);
      // Bob asks for a human first, Ada a minute later: Bob has waited longest.
      await t.mutation(api.public.conversations.escalate, {
        sessionToken: bob,
        conversationId: bobs,
      });
      vi.advanceTimersByTime(60_000);
      await t.mutation(api.public.conversations.escalate, { sessionToken: ada, conversationId });

      const waiting = await operator.query(api.private.conversations.list, {
        ...page,
        sort: "waiting",
      });
      expect(waiting.page.map((c) => c._id)).toEqual([bobs, conversationId]);
      expect(waiting.page[0]!.waitingSince).toBeLessThan(waiting.page[1]!.waitingSince!);

      await operator.mutation(api.private.conversations.assign, {
        conversationId,
        assigneeId: operatorId,
      });
      const mine = await operator.query(api.private.conversations.list, {
        ...page,
        assignee: "me",
      });
      expect(mine.page.map((c) => c._id)).toEqual([conversationId]);
      expect(mine.page[0]!.assignee).toMatchObject({ _id: operatorId, name: "operator of org_a" });
      const unassigned = await operator.query(api.private.conversations.list, {
        ...page,
        status: "escalated",
        assignee: "unassigned",
      });
      expect(unassigned.page.map((c) => c._id)).toEqual([bobs]);
      expect(
        (await operator.query(api.private.conversations.list, { ...page, channel: "voice" })).page,
      ).toEqual([]);
      expect(
        (
          await operator.query(api.private.conversations.list, {
            ...page,
            status: "escalated",
            channel: "chat",
          })
        ).page.map((c) => c._id),
      ).toEqual([conversationId, bobs]);

      // An operator's reply ends the wait; the visitor writing again starts a new one.
      await operator.mutation(api.private.messages.send, { conversationId, body: "On it." });
      let ada2 = await operator.query(api.private.conversations.get, { conversationId });
      expect(ada2.waitingSince).toBeUndefined();
      vi.advanceTimersByTime(5_000);
      await t.mutation(api.public.messages.send, {
        sessionToken: ada,
        conversationId,
        body: "Thanks, and also…",
      });
      ada2 = await operator.query(api.private.conversations.get, { conversationId });
      expect(ada2.waitingSince).toBe(Date.now());
    } finally {
      vi.useRealTimers();
    }
  });

  test("unread markers are per member and clear when the member opens the conversation", async () => {
    const { t, ada, conversationId, admin, operator } = await inbox();
    const unread = async (who: typeof admin) =>
      (await who.query(api.private.conversations.list, page)).page[0]!.unread;
    expect(await unread(operator)).toBe(true);
    await operator.mutation(api.private.conversations.markRead, { conversationId });
    expect(await unread(operator)).toBe(false);
    expect(await unread(admin)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await t.mutation(api.public.messages.send, {
      sessionToken: ada,
      conversationId,
      body: "Hello?",
    });
    expect(await unread(operator)).toBe(true);
    // Your own reply does not make the conversation unread for you.
    await operator.mutation(api.private.messages.send, { conversationId, body: "Hello Ada" });
    expect(await unread(operator)).toBe(false);
  });

  test("assigning needs a member of the organization; every change is on the timeline and audited", async () => {
    const { t, conversationId, admin, operatorId } = await inbox();
    await createOrganization(t, "org_b");
    const outsider = (await t.run(async (ctx) =>
      ctx.db
        .query("users")
        .withIndex("by_token_identifier", (q) =>
          q.eq("tokenIdentifier", "https://auth.parley.test|operator_org_b"),
        )
        .unique(),
    ))!._id;
    expect(
      await errorData(
        admin.mutation(api.private.conversations.assign, { conversationId, assigneeId: outsider }),
      ),
    ).toEqual({ code: "NOT_FOUND", message: "That person is not a member of this team." });

    await admin.mutation(api.private.conversations.assign, {
      conversationId,
      assigneeId: operatorId,
    });
    await admin.mutation(api.private.conversations.assign, { conversationId });
    await admin.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "resolved",
    });
    await admin.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "escalated",
    });
    const timeline = await admin.query(api.private.messages.list, { conversationId, ...page });
    expect(
      timeline.page
        .filter((m) => m.role === "event")
        .map((m) => m.body)
        .reverse(),
    ).toEqual([
      "admin of org_a assigned this conversation to operator of org_a",
      "admin of org_a unassigned this conversation",
      "admin of org_a resolved this conversation",
      "admin of org_a reopened this conversation",
    ]);
    const actions = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).map((entry) => entry.action),
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        "conversation.assigned",
        "conversation.resolved",
        "conversation.reopened",
      ]),
    );
  });

  test("taking over silences the agent; handing back lets it answer again", async () => {
    const { t, ada, conversationId, operator } = await inbox();
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "escalated",
    });
    const taken = await operator.query(api.private.conversations.get, { conversationId });
    expect(taken).toMatchObject({ status: "escalated", assignee: { name: "operator of org_a" } });
    const scheduled = async () =>
      await t.run(
        async (ctx) => (await ctx.db.system.query("_scheduled_functions").collect()).length,
      );
    const before = await scheduled();
    await t.mutation(api.public.messages.send, { sessionToken: ada, conversationId, body: "Hi?" });
    expect(await scheduled()).toBe(before); // no agent reply was scheduled

    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "unresolved",
    });
    const back = await operator.query(api.private.conversations.get, { conversationId });
    expect(back).toMatchObject({ status: "unresolved", assignee: null });
    await t.mutation(api.public.messages.send, { sessionToken: ada, conversationId, body: "Hi!" });
    expect(await scheduled()).toBe(before + 1); // the agent answers again
  });

  test("search finds conversations by contact name, email and message text", async () => {
    const { t, ada, conversationId, operator } = await inbox();
    const bob = await createVisitor(t, "org_a", "Bob");
    const bobs = await t.mutation(api.public.conversations.create, { sessionToken: bob });
    await t.mutation(api.public.messages.send, {
      sessionToken: bob,
      conversationId: bobs,
      body: "My paddle arrived cracked",
    });
    const ids = async (query: string) =>
      (await operator.query(api.private.conversations.search, { query })).map((c) => c._id);
    expect(await ids("Ada")).toEqual([conversationId]);
    expect(await ids("ada@visitor.test")).toEqual([conversationId]);
    expect(await ids("paddle")).toEqual([bobs]);
    expect(await ids("   ")).toEqual([]);
    void ada;
  });
});

describe("internal notes", () => {
  const SECRET = "NOTE-ONLY-THE-TEAM-SEES-7c1f";

  test("no public/ function ever returns a note or a team event", async () => {
    const { t, ada, conversationId, operator, operatorId } = await inbox();
    await operator.mutation(api.private.messages.addNote, { conversationId, body: SECRET });
    await operator.mutation(api.private.conversations.assign, {
      conversationId,
      assigneeId: operatorId,
    });
    await operator.mutation(api.private.typing.set, { conversationId, typing: true });
    const tokenArgs = { sessionToken: ada };
    const conversationArgs = { sessionToken: ada, conversationId };
    // Every public function, called the way the widget calls it (a new one without an entry fails).
    const calls: Record<string, () => Promise<unknown>> = {
      "public/widgetSettings:getByOrganization": () =>
        t.query(api.public.widgetSettings.getByOrganization, { organizationId: "org_a" }),
      "public/widgetSettings:frameAncestor": () =>
        t.query(api.public.widgetSettings.frameAncestor, {
          organizationId: "org_a",
          hostOrigin: "https://a.test",
        }),
      // The route visitors start sessions with (http.ts), beside the public functions.
      "POST /widget/sessions": () =>
        postSession(t, { organizationId: "org_a", metadata: {} }).then((r) => r.json()),
      "public/contactSessions:validate": () =>
        t.query(api.public.contactSessions.validate, { organizationId: "org_a", ...tokenArgs }),
      "public/contactSessions:refresh": () =>
        t.mutation(api.public.contactSessions.refresh, tokenArgs),
      "public/conversations:list": () =>
        t.query(api.public.conversations.list, { ...tokenArgs, ...page }),
      "public/conversations:get": () => t.query(api.public.conversations.get, conversationArgs),
      "public/conversations:create": () => t.mutation(api.public.conversations.create, tokenArgs),
      "public/conversations:escalate": () =>
        t.mutation(api.public.conversations.escalate, conversationArgs),
      "public/conversations:rate": () =>
        t
          .mutation(api.public.conversations.rate, { ...conversationArgs, rating: 5 })
          .catch((error: unknown) => String(error)),
      "public/messages:list": () =>
        t.query(api.public.messages.list, { ...conversationArgs, ...page }),
      "public/messages:send": () =>
        t.mutation(api.public.messages.send, { ...conversationArgs, body: "Hello" }),
      "public/messages:streaming": () => t.query(api.public.messages.streaming, conversationArgs),
      "public/typing:get": () => t.query(api.public.typing.get, conversationArgs),
      "public/typing:set": () =>
        t.mutation(api.public.typing.set, { ...conversationArgs, typing: true }),
      "public/voice:config": () => t.query(api.public.voice.config, tokenArgs),
      // A chat conversation: refused (calls link only to voice conversations); the error is scanned too.
      "public/voice:attachCall": () =>
        t
          .mutation(api.public.voice.attachCall, { ...conversationArgs, callId: "call_1" })
          .catch((error: unknown) => String(error)),
    };
    const publicFunctions = (await clientFunctions()).filter((f) => f.name.startsWith("public/"));
    expect(publicFunctions.map((f) => f.name).sort()).toEqual(
      Object.keys(calls)
        .filter((name) => name.startsWith("public/"))
        .sort(),
    );
    for (const [name, call] of Object.entries(calls)) {
      const result = JSON.stringify((await call()) ?? null);
      expect(result, name).not.toContain(SECRET);
      expect(result, name).not.toContain('"note"');
      expect(result, name).not.toContain('"event"');
      expect(result, name).not.toContain("assigned this conversation");
    }
  });

  test("are never sent to the model as history", async () => {
    const { t, ada, conversationId, operator } = await inbox();
    await operator.mutation(api.private.messages.addNote, { conversationId, body: SECRET });
    const messageId = await t.mutation(api.public.messages.send, {
      sessionToken: ada,
      conversationId,
      body: "How do refunds work?",
    });
    const started = await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId,
    });
    expect(started).not.toBeNull();
    expect(JSON.stringify(started!.input.history)).not.toContain(SECRET);
    expect(started!.input.history.at(-1)).toEqual({
      role: "visitor",
      body: "How do refunds work?",
    });
  });

  test("notes do not change the visitor's preview or the list order", async () => {
    const { t, ada, conversationId, operator } = await inbox();
    const before = await t.query(api.public.conversations.get, {
      sessionToken: ada,
      conversationId,
    });
    await operator.mutation(api.private.messages.addNote, { conversationId, body: SECRET });
    const after = await t.query(api.public.conversations.get, {
      sessionToken: ada,
      conversationId,
    });
    expect(after).toEqual(before);
  });
});

describe("typing indicators", () => {
  test("each side sees the other typing, until the heartbeat stops", async () => {
    vi.useFakeTimers();
    try {
      const { t, ada, conversationId, operator } = await inbox();
      // A human handles it (no agent reply is scheduled by the visitor's message below).
      await operator.mutation(api.private.conversations.setStatus, {
        conversationId,
        status: "escalated",
      });
      await t.mutation(api.public.typing.set, { sessionToken: ada, conversationId, typing: true });
      await operator.mutation(api.private.typing.set, { conversationId, typing: true });
      expect(await operator.query(api.private.typing.get, { conversationId })).toEqual({
        visitor: true,
        teammates: [],
      });
      expect(await t.query(api.public.typing.get, { sessionToken: ada, conversationId })).toEqual([
        "operator of org_a",
      ]);
      // The visitor sends: their indicator goes at once. The operator's expires with no heartbeat.
      await t.mutation(api.public.messages.send, { sessionToken: ada, conversationId, body: "Hi" });
      expect((await operator.query(api.private.typing.get, { conversationId })).visitor).toBe(
        false,
      );
      vi.advanceTimersByTime(3_000);
      await operator.mutation(api.private.typing.set, { conversationId, typing: true });
      expect(await t.query(api.public.typing.get, { sessionToken: ada, conversationId })).toEqual([
        "operator of org_a",
      ]);
      // The first expiry finds a fresh heartbeat and looks again later; the second deletes it.
      // (Not runAllTimers: that would also expire the visitor's 7-day session.)
      for (let round = 0; round < 2; round += 1) {
        await vi.advanceTimersByTimeAsync(7_000);
        await t.finishInProgressScheduledFunctions();
      }
      expect(await t.query(api.public.typing.get, { sessionToken: ada, conversationId })).toEqual(
        [],
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("canned responses", () => {
  test("admins manage them, operators use them, shortcuts are unique and validated", async () => {
    const { admin, operator } = await inbox();
    const id = await admin.mutation(api.private.cannedResponses.create, {
      title: "Refund policy",
      shortcut: "/Refund",
      body: "Hi {{contact.name}}, refunds take 5 days. — {{agent.name}}",
    });
    expect(await operator.query(api.private.cannedResponses.list, {})).toMatchObject([
      { _id: id, shortcut: "refund", title: "Refund policy" },
    ]);
    expect(
      await errorData(
        operator.mutation(api.private.cannedResponses.create, {
          title: "Mine",
          shortcut: "mine",
          body: "x",
        }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(
      await errorData(
        admin.mutation(api.private.cannedResponses.create, {
          title: "Again",
          shortcut: "refund",
          body: "x",
        }),
      ),
    ).toEqual({ code: "CONFLICT", message: "Another response already uses the shortcut /refund." });
    expect(
      await errorData(
        admin.mutation(api.private.cannedResponses.create, {
          title: "Bad",
          shortcut: "two words",
          body: "x",
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
    await admin.mutation(api.private.cannedResponses.update, {
      id,
      title: "Refunds",
      shortcut: "refund",
      body: "Updated",
    });
    expect((await operator.query(api.private.cannedResponses.list, {}))[0]).toMatchObject({
      title: "Refunds",
      body: "Updated",
    });
    await admin.mutation(api.private.cannedResponses.remove, { id });
    expect(await operator.query(api.private.cannedResponses.list, {})).toEqual([]);
  });
});

describe("suggested replies", () => {
  test("the agent drafts an answer from the knowledge base, with its sources, and sends nothing", async () => {
    const { t, ada, conversationId, admin, operator } = await inbox();
    await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Refund policy",
      text: "Refunds are paid back to the original card within 5 business days of receiving the return.",
    });
    expect(
      await errorData(operator.action(api.private.suggestions.suggest, { conversationId })),
    ).toMatchObject({ code: "CONFLICT" });
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "escalated",
    });
    await t.mutation(api.public.messages.send, {
      sessionToken: ada,
      conversationId,
      body: "How long do refunds take?",
    });
    const before = await operator.query(api.private.messages.list, { conversationId, ...page });
    const draft = await operator.action(api.private.suggestions.suggest, { conversationId });
    expect(draft.body).toMatch(/5 business days/);
    expect(draft.sources.map((s) => s.title)).toEqual(["Refund policy"]);
    // Nothing reached the conversation: the operator decides.
    expect(await operator.query(api.private.messages.list, { conversationId, ...page })).toEqual(
      before,
    );
  });

  test("signed-out callers get nothing", async () => {
    const { t, conversationId } = await inbox();
    expect(
      await errorData(t.action(api.private.suggestions.suggest, { conversationId })),
    ).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("voice calls", () => {
  test("calls need voice switched on, and a plan that includes it", async () => {
    const { t, ada } = await inbox();
    expect(
      await errorData(
        t.mutation(api.public.conversations.create, { sessionToken: ada, channel: "voice" }),
      ),
    ).toMatchObject({ code: "FORBIDDEN" });
    // Switched on while the organization was on Pro, then back on Free: refused.
    await t.run(async (ctx) => {
      const settings = await ctx.db.query("widgetSettings").first();
      if (settings) await ctx.db.patch("widgetSettings", settings._id, { voiceEnabled: true });
      else throw new Error("the organization has no widget settings");
    });
    expect(
      await errorData(
        t.mutation(api.public.conversations.create, { sessionToken: ada, channel: "voice" }),
      ),
    ).toMatchObject({ code: "PLAN_REQUIRED" });
  });

  test("a call is a conversation on the voice channel, answered by the same agent from the same knowledge", async () => {
    const { t, ada, admin, operator } = await inbox();
    await t.run(async (ctx) => {
      // The organization on Pro, as a Clerk subscription webhook leaves it.
      const organization = (await ctx.db.query("organizations").first())!;
      const subscription = await ctx.db
        .query("subscriptions")
        .withIndex("by_organization_id", (q) => q.eq("organizationId", organization._id))
        .first();
      if (subscription) await ctx.db.patch("subscriptions", subscription._id, { plan: "pro" });
      else {
        await ctx.db.insert("subscriptions", {
          organizationId: organization._id,
          plan: "pro",
          status: "active",
          updatedAt: Date.now(),
        });
      }
    });
    await admin.mutation(api.private.widgetSettings.update, { voiceEnabled: true });
    await admin.mutation(api.private.knowledgeBase.addText, {
      title: "Refund policy",
      text: "Refunds are paid back to the original card within 5 business days of receiving the return.",
    });
    const call = await t.mutation(api.public.conversations.create, {
      sessionToken: ada,
      channel: "voice",
    });
    await t.mutation(api.public.messages.send, {
      sessionToken: ada,
      conversationId: call,
      body: "how long do refunds take",
    });
    await t.finishAllScheduledFunctions(() => undefined);
    const transcript = await t.query(api.public.messages.list, {
      sessionToken: ada,
      conversationId: call,
      ...page,
    });
    expect(transcript.page[0]).toMatchObject({ role: "ai", status: "complete" });
    expect(transcript.page[0]!.body).toMatch(/5 business days/);
    const voice = await operator.query(api.private.conversations.list, {
      ...page,
      channel: "voice",
    });
    expect(voice.page.map((c) => [c._id, c.channel])).toEqual([[call, "voice"]]);
  });
});
