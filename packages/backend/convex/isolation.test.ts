/**
 * Tenant isolation: for every client-callable function, a caller from
 * organization B (a member's identity, or a visitor's session) aimed at
 * organization A's data gets nothing and changes nothing; a signed-out caller
 * and a visitor whose session expired get nothing from any function that
 * needs a member or a session, and change nothing at all.
 *
 * "Changes nothing" compares every table of the schema and the file storage,
 * row by row, before and after (`outsideB`: everything but B's own rows, since
 * B may change those).
 *
 * The list of functions is discovered at test time; a function without a
 * case here fails the first test, so new functions cannot skip this. To add
 * a function, add one entry to `cases`:
 *
 *   "private/things:update": {
 *     access: "member",                                   // member | visitor | anonymous
 *     args: (w) => ({ thingId: w.thingA }),               // aimed at A's rows
 *     otherOrganization: async ({ t, thingA, outsideB }) => { … B's call, its specific refusal … },
 *   },
 *
 * The generic tests then run it signed out (members: UNAUTHENTICATED;
 * visitors: an unknown token, INVALID_SESSION), with A's own visitor's expired
 * session (visitors: INVALID_SESSION), and as B with A's ids (refused or
 * answered without any of A's ids, nothing outside B changed).
 */
import { describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  asOperator,
  callFunction,
  clientFunctions,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
} from "../test/setup";
import { startVapiServer } from "../test/vapiServer";
import { enableVoice, seedVapi, useSecretsKey } from "../test/voice";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { generateToken, hashToken } from "./lib/tokens";

/** A file uploaded by `orgId`'s admin through a ticketed upload URL, as the dashboard does. */
async function uploadAs(
  t: ReturnType<typeof setup>,
  orgId: string,
  purpose: "widgetLogo" | "knowledgeFile",
  type: string,
) {
  const url = new URL(
    purpose === "widgetLogo"
      ? await asAdmin(t, orgId).mutation(api.private.widgetSettings.generateLogoUploadUrl, {})
      : await asAdmin(t, orgId).mutation(api.private.knowledgeBase.generateUploadUrl, {
          fileName: "faq.md",
        }),
  );
  const response = await t.fetch(`${url.pathname}${url.search}`, {
    method: "POST",
    headers: { "content-type": type },
    body: purpose === "widgetLogo" ? new Uint8Array(8) : "# FAQ\n\nA's answers.",
  });
  return ((await response.json()) as { storageId: Id<"_storage"> }).storageId;
}

/** Two organizations, each with members, a visitor and a conversation; A also has a logo, a canned reply and knowledge. */
async function twoOrganizations() {
  const t = setup();
  const orgA = await createOrganization(t, "org_a");
  const orgB = await createOrganization(t, "org_b");
  await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
    greeting: "A's secret-ish greeting",
    allowedDomains: ["a.example.com"],
  });
  const visitorA = await createVisitor(t, "org_a", "Ada");
  const visitorB = await createVisitor(t, "org_b", "Bob");
  const conversationA = await t.mutation(api.public.conversations.create, {
    sessionToken: visitorA,
  });
  const conversationB = await t.mutation(api.public.conversations.create, {
    sessionToken: visitorB,
  });
  const sourceA = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, {
    title: "A's refund policy",
    text: "Refunds at A are processed within 5 days.",
  });
  const cannedA = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
    title: "A's greeting",
    shortcut: "greet",
    body: "Hello from A",
  });
  const logoA = await uploadAs(t, "org_a", "widgetLogo", "image/png");
  await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, { storageId: logoA });
  const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
  const membershipA = members.find((m) => m.role === "operator")!.membershipId;
  // A's "Test your agent" run, written directly (no agent run in every test's setup).
  const runA = await t.run(async (ctx) => {
    const author = (await ctx.db.query("memberships").collect()).find(
      (m) => m.organizationId === orgA._id,
    )!;
    return await ctx.db.insert("playgroundRuns", {
      organizationId: orgA._id,
      askedBy: author.userId,
      question: "A's playground question",
      answer: "A's playground answer",
      status: "complete",
      responder: "local",
      passages: [],
      abstained: false,
    });
  });

  const snapshot = () => snapshotTables(t);
  /** Every row of every table and every stored file, except B's own rows (which B may change). */
  const outsideB = async () => {
    const tables = await snapshot();
    // Users are shared: one counts as B's only while B is the only organization they belong to.
    const usersOfB = new Set<string>(
      tables.memberships.filter((m) => m.organizationId === orgB._id).map((m) => m.userId),
    );
    for (const m of tables.memberships)
      if (m.organizationId !== orgB._id) usersOfB.delete(m.userId);
    const ofB = (table: string, row: { _id: string; organizationId?: string }) =>
      row.organizationId === orgB._id ||
      row._id === orgB._id ||
      (table === "users" && usersOfB.has(row._id));
    return Object.fromEntries(
      Object.entries(tables).map(([table, rows]) => [
        table,
        (rows as { _id: string; organizationId?: string }[]).filter((row) => !ofB(table, row)),
      ]),
    );
  };
  /** The ids of A's rows (A's own users included), which nothing B is answered may contain. */
  const idsOfA = async () => {
    const tables = await snapshot();
    const usersOfA = new Set<string>(
      tables.memberships.filter((m) => m.organizationId === orgA._id).map((m) => m.userId),
    );
    const ids = [orgA._id as string, ...usersOfA];
    for (const rows of Object.values(tables) as { _id: string; organizationId?: string }[][]) {
      for (const row of rows) if (row.organizationId === orgA._id) ids.push(row._id);
    }
    return ids;
  };
  return {
    t,
    orgA,
    orgB,
    visitorA,
    visitorB,
    conversationA,
    conversationB,
    sourceA,
    cannedA,
    logoA,
    membershipA,
    runA,
    snapshot,
    outsideB,
    idsOfA,
  };
}

type World = Awaited<ReturnType<typeof twoOrganizations>>;

/** A's visitor asks for a human, which notifies A's team. */
async function handOver({ t, visitorA, conversationA }: World) {
  await t.mutation(api.public.conversations.escalate, {
    sessionToken: visitorA,
    conversationId: conversationA,
  });
}

/**
 * A's visitor has asked a question (written directly, so no reply is
 * scheduled) and the agent's reply is half written: one delta stored.
 */
async function replyStreamingIn(
  t: World["t"],
  visitorA: string,
  conversationA: World["conversationA"],
) {
  const messageId = await t.run(async (ctx) => {
    const conversation = (await ctx.db.get("conversations", conversationA))!;
    return await ctx.db.insert("messages", {
      organizationId: conversation.organizationId,
      conversationId: conversationA,
      role: "visitor",
      body: "How do refunds work?",
      status: "complete",
    });
  });
  const started = await t.mutation(internal.system.messages.startReply, {
    conversationId: conversationA,
    messageId,
  });
  await t.mutation(internal.system.messages.appendDelta, {
    messageId: started!.replyId,
    seq: 0,
    text: "Refunds at A ",
  });
  expect(
    await t.query(api.public.messages.streaming, {
      sessionToken: visitorA,
      conversationId: conversationA,
    }),
  ).toHaveLength(1);
}

const page = { paginationOpts: { numItems: 50, cursor: null } };

type Args = Record<string, unknown>;

/** One entry per client-callable function (see the header). */
type Case = {
  /** Who may call it: a dashboard member, a visitor with a session, or anyone (the widget before a session). */
  access: "member" | "visitor" | "anonymous";
  /** Arguments aimed at organization A's rows, as A's own caller would send them. */
  args: (w: World) => Args;
  /** Organization B aimed at A: the function's own refusal (or B-only answer), asserted precisely. */
  otherOrganization: (w: World) => Promise<void>;
};

const cases: Record<string, Case> = {
  "public/widgetSettings:frameAncestor": {
    access: "anonymous",
    args: () => ({ organizationId: "org_a", hostOrigin: "https://a.example.com" }),
    otherOrganization: async ({ t }) => {
      // A's list admits a.example.com; asking about B never answers with A's hosts.
      expect(
        await t.query(api.public.widgetSettings.frameAncestor, {
          organizationId: "org_b",
          hostOrigin: "https://a.example.com",
        }),
      ).toBeNull();
      expect(
        await t.query(api.public.widgetSettings.frameAncestor, {
          organizationId: "org_a",
          hostOrigin: "https://a.example.com",
        }),
      ).toBe("https://a.example.com");
    },
  },

  "public/widgetSettings:getByOrganization": {
    access: "anonymous",
    args: () => ({ organizationId: "org_a" }),
    otherOrganization: async ({ t }) => {
      const settings = await t.query(api.public.widgetSettings.getByOrganization, {
        organizationId: "org_b",
      });
      expect(settings.organizationId).toBe("org_b");
      expect(JSON.stringify(settings)).not.toContain("A's");
      expect(JSON.stringify(settings)).not.toContain("a.example.com");
      // A's allow-list neither applies to B's widget nor leaks through it.
      const onBsSite = await t.query(api.public.widgetSettings.getByOrganization, {
        organizationId: "org_b",
        hostOrigin: "https://b.example.org",
      });
      expect(onBsSite.embedAllowed).toBe(true);
      expect(JSON.stringify(onBsSite)).not.toContain("a.example.com");
    },
  },

  "public/contactSessions:validate": {
    access: "anonymous",
    args: (w) => ({ organizationId: "org_a", sessionToken: w.visitorA }),
    otherOrganization: async ({ t, visitorB }) => {
      expect(
        await t.query(api.public.contactSessions.validate, {
          organizationId: "org_a",
          sessionToken: visitorB,
        }),
      ).toEqual({ valid: false });
    },
  },

  "public/contactSessions:refresh": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA }),
    otherOrganization: async ({ t, visitorB, outsideB }) => {
      const before = await outsideB();
      await t.mutation(api.public.contactSessions.refresh, { sessionToken: visitorB });
      expect(await outsideB()).toEqual(before);
    },
  },

  "public/conversations:create": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA }),
    otherOrganization: async ({ t, visitorB, orgB, outsideB }) => {
      const before = await outsideB();
      const id = await t.mutation(api.public.conversations.create, { sessionToken: visitorB });
      expect(await outsideB()).toEqual(before);
      const created = await t.run(async (ctx) => ctx.db.get("conversations", id));
      expect(created?.organizationId).toBe(orgB._id);
    },
  },

  "public/conversations:list": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, ...page }),
    otherOrganization: async ({ t, visitorB, conversationA, conversationB }) => {
      const result = await t.query(api.public.conversations.list, {
        sessionToken: visitorB,
        ...page,
      });
      expect(result.page.map((c) => c._id)).toEqual([conversationB]);
      expect(JSON.stringify(result)).not.toContain(conversationA);
    },
  },

  "public/conversations:get": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorB, conversationA }) => {
      expect(
        await errorData(
          t.query(api.public.conversations.get, {
            sessionToken: visitorB,
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "private/organizations:bootstrap": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t, orgA, outsideB }) => {
      const before = await outsideB();
      const result = await asAdmin(t, "org_b").mutation(api.private.organizations.bootstrap, {});
      expect(result.organizationId).toBe("org_b");
      expect(await outsideB()).toEqual(before);
      const membershipsInA = await t.run(async (ctx) =>
        ctx.db
          .query("memberships")
          .withIndex("by_organization_id_and_user_id", (q) => q.eq("organizationId", orgA._id))
          .collect(),
      );
      expect(membershipsInA).toHaveLength(2); // A's own admin and operator only
    },
  },

  "private/organizations:current": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      const current = await asOperator(t, "org_b").query(api.private.organizations.current, {});
      expect(current.organizationId).toBe("org_b");
    },
  },

  "private/widgetSettings:generateLogoUploadUrl": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.widgetSettings.generateLogoUploadUrl, {});
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/widgetSettings:setLogo": {
    access: "member",
    args: (w) => ({ storageId: w.logoA }),
    otherOrganization: async ({ t, outsideB }) => {
      const logoOfA = await uploadAs(t, "org_a", "widgetLogo", "image/png");
      await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, {
        storageId: logoOfA,
      });
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, { storageId: logoOfA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      // B removing its (absent) logo never touches A's.
      await asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, { storageId: null });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/widgetSettings:get": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t, orgB }) => {
      const settings = await asAdmin(t, "org_b").query(api.private.widgetSettings.get, {});
      expect(settings?.organizationId).toBe(orgB._id);
      expect(settings?.greeting).not.toBe("A's secret-ish greeting");
    },
  },

  "private/widgetSettings:update": {
    access: "member",
    args: () => ({ greeting: "Taken over" }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.widgetSettings.update, {
        greeting: "Owned by B",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/conversations:list": {
    access: "member",
    args: () => page,
    otherOrganization: async ({ t, conversationA, conversationB }) => {
      const result = await asOperator(t, "org_b").query(api.private.conversations.list, page);
      expect(result.page.map((c) => c._id)).toEqual([conversationB]);
      expect(JSON.stringify(result)).not.toContain(conversationA);
    },
  },

  "private/conversations:get": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async ({ t, conversationA }) => {
      expect(
        await errorData(
          asOperator(t, "org_b").query(api.private.conversations.get, {
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "public/conversations:escalate": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorB, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          t.mutation(api.public.conversations.escalate, {
            sessionToken: visitorB,
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "public/conversations:rate": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA, rating: 1 }),
    otherOrganization: async ({ t, visitorB, conversationA, outsideB }) => {
      await asAdmin(t, "org_a").mutation(api.private.conversations.setStatus, {
        conversationId: conversationA,
        status: "resolved",
      });
      const before = await outsideB();
      expect(
        await errorData(
          t.mutation(api.public.conversations.rate, {
            sessionToken: visitorB,
            conversationId: conversationA,
            rating: 1,
            comment: "B was here",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "public/messages:list": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA, ...page }),
    otherOrganization: async ({ t, visitorB, conversationA }) => {
      expect(
        await errorData(
          t.query(api.public.messages.list, {
            sessionToken: visitorB,
            conversationId: conversationA,
            ...page,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "public/messages:streaming": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorA, visitorB, conversationA }) => {
      await replyStreamingIn(t, visitorA, conversationA);
      expect(
        await errorData(
          t.query(api.public.messages.streaming, {
            sessionToken: visitorB,
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "public/messages:send": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA, body: "hi" }),
    otherOrganization: async ({ t, visitorB, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          t.mutation(api.public.messages.send, {
            sessionToken: visitorB,
            conversationId: conversationA,
            body: "hi",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/conversations:setStatus": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA, status: "resolved" }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.conversations.setStatus, {
            conversationId: conversationA,
            status: "resolved",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/messages:list": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA, ...page }),
    otherOrganization: async ({ t, conversationA }) => {
      expect(
        await errorData(
          asOperator(t, "org_b").query(api.private.messages.list, {
            conversationId: conversationA,
            ...page,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "private/messages:streaming": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorA, conversationA }) => {
      await replyStreamingIn(t, visitorA, conversationA);
      expect(
        await errorData(
          asOperator(t, "org_b").query(api.private.messages.streaming, {
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "private/messages:send": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA, body: "hello" }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asOperator(t, "org_b").mutation(api.private.messages.send, {
            conversationId: conversationA,
            body: "hello",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/conversations:counts": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      // A and B each have one new conversation: B's counts are B's alone.
      expect(await asOperator(t, "org_b").query(api.private.conversations.counts, {})).toEqual({
        unresolved: 1,
        escalated: 0,
        resolved: 0,
      });
    },
  },

  "private/conversations:search": {
    access: "member",
    args: () => ({ query: "Ada" }),
    otherOrganization: async ({ t, visitorA, conversationA, conversationB }) => {
      await t.mutation(api.public.messages.send, {
        sessionToken: visitorA,
        conversationId: conversationA,
        body: "Where is my kayak order?",
      });
      // A's visitor (Ada) and A's message text are invisible to B's search; B's own visitor is found.
      const asB = asOperator(t, "org_b");
      expect(await asB.query(api.private.conversations.search, { query: "Ada" })).toEqual([]);
      expect(await asB.query(api.private.conversations.search, { query: "kayak" })).toEqual([]);
      const found = await asB.query(api.private.conversations.search, { query: "Bob" });
      expect(found.map((c) => c._id)).toEqual([conversationB]);
    },
  },

  "private/conversations:assign": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.conversations.assign, {
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/conversations:markRead": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asOperator(t, "org_b").mutation(api.private.conversations.markRead, {
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/messages:addNote": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA, body: "note" }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asOperator(t, "org_b").mutation(api.private.messages.addNote, {
            conversationId: conversationA,
            body: "B's note",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/typing:set": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA, typing: true }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asOperator(t, "org_b").mutation(api.private.typing.set, {
            conversationId: conversationA,
            typing: true,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/typing:get": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorA, conversationA }) => {
      await t.mutation(api.public.typing.set, {
        sessionToken: visitorA,
        conversationId: conversationA,
        typing: true,
      });
      expect(
        await errorData(
          asOperator(t, "org_b").query(api.private.typing.get, { conversationId: conversationA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "public/typing:set": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA, typing: true }),
    otherOrganization: async ({ t, visitorB, conversationA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          t.mutation(api.public.typing.set, {
            sessionToken: visitorB,
            conversationId: conversationA,
            typing: true,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "public/typing:get": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA }),
    otherOrganization: async ({ t, visitorB, conversationA }) => {
      await asOperator(t, "org_a").mutation(api.private.typing.set, {
        conversationId: conversationA,
        typing: true,
      });
      expect(
        await errorData(
          t.query(api.public.typing.get, { sessionToken: visitorB, conversationId: conversationA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "private/cannedResponses:list": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
        title: "A's refund reply",
        shortcut: "refund",
        body: "A refunds within 5 days.",
      });
      expect(await asOperator(t, "org_b").query(api.private.cannedResponses.list, {})).toEqual([]);
    },
  },

  "private/cannedResponses:create": {
    access: "member",
    args: () => ({ title: "T", shortcut: "t", body: "B" }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.cannedResponses.create, {
        title: "B's reply",
        shortcut: "hello",
        body: "Hello from B",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/cannedResponses:update": {
    access: "member",
    args: (w) => ({ id: w.cannedA, title: "T", shortcut: "t", body: "B" }),
    otherOrganization: async ({ t, outsideB }) => {
      const id = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
        title: "A's reply",
        shortcut: "hello",
        body: "Hello from A",
      });
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.cannedResponses.update, {
            id,
            title: "Taken",
            shortcut: "hello",
            body: "B was here",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/cannedResponses:remove": {
    access: "member",
    args: (w) => ({ id: w.cannedA }),
    otherOrganization: async ({ t, outsideB }) => {
      const id = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
        title: "A's reply",
        shortcut: "hello",
        body: "Hello from A",
      });
      const before = await outsideB();
      expect(
        await errorData(asAdmin(t, "org_b").mutation(api.private.cannedResponses.remove, { id })),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/suggestions:suggest": {
    access: "member",
    args: (w) => ({ conversationId: w.conversationA }),
    otherOrganization: async (w) => {
      const { t, visitorA, conversationA, outsideB } = w;
      await handOver(w); // A's team answers: no agent reply runs in the background.
      await t.mutation(api.public.messages.send, {
        sessionToken: visitorA,
        conversationId: conversationA,
        body: "How long do refunds take?",
      });
      const before = await outsideB();
      expect(
        await errorData(
          asOperator(t, "org_b").action(api.private.suggestions.suggest, {
            conversationId: conversationA,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/notifications:list": {
    access: "member",
    args: () => page,
    otherOrganization: async (w) => {
      const { t } = w;
      await handOver(w);
      const result = await asOperator(t, "org_b").query(api.private.notifications.list, page);
      expect(result.page).toEqual([]);
    },
  },

  "private/notifications:unreadCount": {
    access: "member",
    args: () => ({}),
    otherOrganization: async (w) => {
      const { t } = w;
      await handOver(w);
      expect(await asOperator(t, "org_b").query(api.private.notifications.unreadCount, {})).toEqual(
        {
          count: 0,
          more: false,
        },
      );
    },
  },

  "private/notifications:markRead": {
    access: "member",
    args: () => ({}),
    otherOrganization: async (w) => {
      const { t, outsideB } = w;
      await handOver(w);
      const before = await outsideB();
      await asOperator(t, "org_b").mutation(api.private.notifications.markRead, {});
      expect(await outsideB()).toEqual(before);
      expect(
        (await asOperator(t, "org_a").query(api.private.notifications.unreadCount, {})).count,
      ).toBe(1);
    },
  },

  "private/knowledgeBase:list": {
    access: "member",
    args: () => page,
    otherOrganization: async ({ t, sourceA }) => {
      const result = await asOperator(t, "org_b").query(api.private.knowledgeBase.list, page);
      expect(result.page).toEqual([]);
      expect(JSON.stringify(result)).not.toContain(sourceA);
    },
  },

  "private/knowledgeGaps:list": {
    access: "member",
    args: () => page,
    otherOrganization: async ({ t, conversationA }) => {
      // A's agent could not answer a question: only A's team sees it.
      await t.mutation(internal.system.knowledgeGaps.record, {
        conversationId: conversationA,
        question: "A's unanswered question",
      });
      expect(
        (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.list, page)).page,
      ).toHaveLength(1);
      const result = await asAdmin(t, "org_b").query(api.private.knowledgeGaps.list, page);
      expect(result.page).toEqual([]);
      expect(JSON.stringify(result)).not.toContain("A's unanswered question");
    },
  },

  "private/knowledgeGaps:groups": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t, conversationA }) => {
      await t.mutation(internal.system.knowledgeGaps.record, {
        conversationId: conversationA,
        question: "A's unanswered question",
      });
      expect(
        (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.groups, {})).groups,
      ).toHaveLength(1);
      const result = await asAdmin(t, "org_b").query(api.private.knowledgeGaps.groups, {});
      expect(result.groups).toEqual([]);
      expect(JSON.stringify(result)).not.toContain("A's unanswered question");
    },
  },

  "private/knowledgeGaps:resolve": {
    access: "member",
    args: () => ({ gapIds: [], resolution: "dismissed" }),
    otherOrganization: async ({ t, conversationA, outsideB }) => {
      await t.mutation(internal.system.knowledgeGaps.record, {
        conversationId: conversationA,
        question: "A's unanswered question",
      });
      const [group] = (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.groups, {}))
        .groups;
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.knowledgeGaps.resolve, {
            gapIds: group!.gapIds,
            resolution: "dismissed",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/playground:ask": {
    access: "member",
    args: () => ({ question: "What is A's refund policy?" }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      const runId = await asOperator(t, "org_b").mutation(api.private.playground.ask, {
        question: "What is A's refund policy?",
      });
      await t.finishAllScheduledFunctions(() => {});
      expect(await outsideB()).toEqual(before);
      // B's agent searched only B's (empty) knowledge base.
      const run = await asOperator(t, "org_b").query(api.private.playground.get, { runId });
      expect(run).toMatchObject({ abstained: true, passages: [] });
    },
  },

  "private/playground:get": {
    access: "member",
    args: (w) => ({ runId: w.runA }),
    otherOrganization: async ({ t }) => {
      const runId = await asOperator(t, "org_a").mutation(api.private.playground.ask, {
        question: "Refund policy?",
      });
      await t.finishAllScheduledFunctions(() => {});
      expect(
        await errorData(asOperator(t, "org_b").query(api.private.playground.get, { runId })),
      ).toMatchObject({ code: "NOT_FOUND" });
    },
  },

  "private/playground:list": {
    access: "member",
    args: () => page,
    otherOrganization: async ({ t }) => {
      await asOperator(t, "org_a").mutation(api.private.playground.ask, { question: "Refunds?" });
      await t.finishAllScheduledFunctions(() => {});
      expect((await asOperator(t, "org_b").query(api.private.playground.list, page)).page).toEqual(
        [],
      );
    },
  },

  "private/playground:rate": {
    access: "member",
    args: (w) => ({ runId: w.runA, rating: "bad" }),
    otherOrganization: async ({ t, outsideB }) => {
      const runId = await asOperator(t, "org_a").mutation(api.private.playground.ask, {
        question: "Refunds?",
      });
      await t.finishAllScheduledFunctions(() => {});
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.playground.rate, { runId, rating: "bad" }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:addText": {
    access: "member",
    args: () => ({ title: "T", text: "Some text." }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.knowledgeBase.addText, {
        title: "B",
        text: "B's own article.",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:generateUploadUrl": {
    access: "member",
    args: () => ({ fileName: "faq.md" }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.knowledgeBase.generateUploadUrl, {
        fileName: "faq.md",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:addFile": {
    access: "member",
    args: (w) => ({ storageId: w.logoA }),
    otherOrganization: async ({ t, outsideB }) => {
      const fileOfA = await uploadAs(t, "org_a", "knowledgeFile", "text/markdown");
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.knowledgeBase.addFile, { storageId: fileOfA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:addUrl": {
    access: "member",
    args: () => ({ url: "https://a.example.com/help" }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.knowledgeBase.addUrl, {
        url: "https://b.example.com/help",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:reindex": {
    access: "member",
    args: (w) => ({ sourceId: w.sourceA }),
    otherOrganization: async ({ t, outsideB }) => {
      const fileOfA = await uploadAs(t, "org_a", "knowledgeFile", "text/markdown");
      const sourceOfA = await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addFile, {
        storageId: fileOfA,
      });
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.knowledgeBase.reindex, { sourceId: sourceOfA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/knowledgeBase:remove": {
    access: "member",
    args: (w) => ({ sourceId: w.sourceA }),
    otherOrganization: async ({ t, sourceA, outsideB }) => {
      const before = await outsideB();
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.knowledgeBase.remove, { sourceId: sourceA }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/members:list": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      const { members } = await asOperator(t, "org_b").query(api.private.members.list, {});
      expect(members.map((m) => m.externalId).sort()).toEqual(["admin_org_b", "operator_org_b"]);
    },
  },

  "private/members:add": {
    access: "member",
    args: () => ({
      externalId: "operator_org_a",
      name: "A",
      email: "operator_org_a@example.com",
      role: "admin",
    }),
    otherOrganization: async ({ t, outsideB }) => {
      const before = await outsideB();
      // B cannot pull A's admin into its list by guessing their id.
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.members.add, {
            externalId: "admin_org_a",
            name: "Not A's admin",
            email: "someone@example.com",
            role: "operator",
          }),
        ),
      ).toMatchObject({ code: "CONFLICT" });
      await asAdmin(t, "org_b").mutation(api.private.members.add, {
        externalId: "user_new",
        name: "B's new member",
        email: "new@example.com",
        role: "operator",
      });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/members:changeRole": {
    access: "member",
    args: (w) => ({ membershipId: w.membershipA, role: "admin" }),
    otherOrganization: async ({ t, outsideB }) => {
      const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
      const before = await outsideB();
      for (const member of members) {
        expect(
          await errorData(
            asAdmin(t, "org_b").mutation(api.private.members.changeRole, {
              membershipId: member.membershipId,
              role: member.role === "admin" ? "operator" : "admin",
            }),
          ),
        ).toMatchObject({ code: "NOT_FOUND" });
      }
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/members:remove": {
    access: "member",
    args: (w) => ({ membershipId: w.membershipA }),
    otherOrganization: async ({ t, outsideB }) => {
      const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
      const before = await outsideB();
      for (const member of members) {
        expect(
          await errorData(
            asAdmin(t, "org_b").mutation(api.private.members.remove, {
              membershipId: member.membershipId,
            }),
          ),
        ).toMatchObject({ code: "NOT_FOUND" });
      }
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/billing:get": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      // A has knowledge-base text, a conversation and a paid plan; B sees only its own.
      await t.run(async (ctx) => {
        for (const sub of await ctx.db.query("subscriptions").collect()) {
          const org = await ctx.db.get("organizations", sub.organizationId);
          if (org?.externalId === "org_a")
            await ctx.db.patch("subscriptions", sub._id, { plan: "pro" });
        }
      });
      const billing = await asAdmin(t, "org_b").query(api.private.billing.get, {});
      expect(billing.plan).toBe("free");
      const conversationsOfB = await t.run(async (ctx) => {
        const orgB = await ctx.db
          .query("organizations")
          .withIndex("by_external_id", (q) => q.eq("externalId", "org_b"))
          .unique();
        return (
          await ctx.db
            .query("conversations")
            .withIndex("by_organization_id_and_last_message_at", (q) =>
              q.eq("organizationId", orgB!._id),
            )
            .collect()
        ).length;
      });
      expect(billing.usage).toMatchObject({
        knowledgeBaseCharacters: 0,
        conversations: conversationsOfB,
        seats: 2,
      });
    },
  },

  "public/voice:config": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA }),
    otherOrganization: async ({ t, visitorB }) => {
      // A calls through Vapi; B's visitor learns nothing of A's keys, assistant or number.
      useSecretsKey();
      await enableVoice(t, "org_a");
      await enableVoice(t, "org_b");
      await seedVapi(t, "org_a", {
        publicKey: "public-key-of-a",
        privateKey: "private-key-of-a",
        assistantId: "assistant-of-a",
        phoneNumber: { id: "pn_a", number: "+14155550100" },
      });
      const config = await t.query(api.public.voice.config, { sessionToken: visitorB });
      expect(config).toEqual({ provider: "browser", vapi: null, phoneNumber: null });
    },
  },

  "public/voice:attachCall": {
    access: "visitor",
    args: (w) => ({ sessionToken: w.visitorA, conversationId: w.conversationA, callId: "call_x" }),
    otherOrganization: async ({ t, visitorA, visitorB, outsideB }) => {
      await enableVoice(t, "org_a");
      const callOfA = await t.mutation(api.public.conversations.create, {
        sessionToken: visitorA,
        channel: "voice",
      });
      await t.mutation(api.public.voice.attachCall, {
        sessionToken: visitorA,
        conversationId: callOfA,
        callId: "call_of_a",
      });
      const before = await outsideB();
      expect(
        await errorData(
          t.mutation(api.public.voice.attachCall, {
            sessionToken: visitorB,
            conversationId: callOfA,
            callId: "call_of_b",
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/vapi:get": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      useSecretsKey();
      await seedVapi(t, "org_a", {
        publicKey: "public-key-of-a",
        privateKey: "private-key-of-a",
        assistantId: "assistant-of-a",
      });
      const status = await asAdmin(t, "org_b").query(api.private.vapi.get, {});
      expect(status).toMatchObject({ connected: false, assistant: null, publicKeyHint: null });
    },
  },

  "private/vapi:connect": {
    access: "member",
    args: () => ({ publicKey: "public-key", privateKey: "private-key" }),
    otherOrganization: async ({ t, outsideB }) => {
      useSecretsKey();
      const vapi = await startVapiServer();
      try {
        vi.stubEnv("VAPI_API_URL", vapi.url);
        const before = await outsideB();
        await asAdmin(t, "org_b").action(api.private.vapi.connect, {
          publicKey: vapi.publicKey,
          privateKey: vapi.privateKey,
        });
        expect(await outsideB()).toEqual(before);
        expect(await asAdmin(t, "org_a").query(api.private.vapi.get, {})).toMatchObject({
          connected: false,
        });
      } finally {
        await vapi.close();
        vi.unstubAllEnvs();
      }
    },
  },

  "private/vapi:disconnect": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t, outsideB }) => {
      useSecretsKey();
      await seedVapi(t, "org_a", { publicKey: "public-key-of-a", privateKey: "private-key-of-a" });
      const before = await outsideB();
      await asAdmin(t, "org_b").mutation(api.private.vapi.disconnect, {});
      expect(await outsideB()).toEqual(before);
    },
  },

  "private/onboarding:get": {
    access: "member",
    args: () => ({}),
    otherOrganization: async ({ t }) => {
      // A has knowledge, a customized widget, a visitor and two members; B only its members.
      expect(await asAdmin(t, "org_b").query(api.private.onboarding.get, {})).toEqual({
        knowledge: false,
        widget: false,
        installed: false,
        tested: true,
        teammate: true,
      });
    },
  },
};

/** Organization A's own visitor, whose session has expired (as its expiry job leaves it). */
async function expireVisitorA({ t, visitorA }: World) {
  const tokenHash = await hashToken(visitorA);
  await t.run(async (ctx) => {
    const session = await ctx.db
      .query("contactSessions")
      .withIndex("by_token_hash", (q) => q.eq("tokenHash", tokenHash))
      .unique();
    await ctx.db.patch("contactSessions", session!._id, {
      expired: true,
      expiresAt: Date.now() - 1,
    });
  });
}

const functions = await clientFunctions();

describe("tenant isolation", () => {
  test("every public/ and private/ function has a case", () => {
    const names = functions.map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !(name in cases))).toEqual([]);
    // And no case is left for a function that no longer exists.
    expect(Object.keys(cases).filter((name) => !names.includes(name))).toEqual([]);
    // private/ is for members only; public/ for visitors and the anonymous widget.
    expect(
      Object.entries(cases)
        .filter(([name, spec]) => name.startsWith("private/") !== (spec.access === "member"))
        .map(([name]) => name),
    ).toEqual([]);
  });

  for (const { name, kind } of functions) {
    const spec = cases[name];
    if (!spec) continue;

    describe(name, () => {
      test("organization B cannot reach organization A", async () => {
        await spec.otherOrganization(await twoOrganizations());
      });

      test("A's own callers never receive A's Vapi private key", async () => {
        // Issue 10: the private key is stored (encrypted) and used only by system/ code.
        useSecretsKey();
        const w = await twoOrganizations();
        const privateKey = "sk-private-key-of-a-never-returned";
        await enableVoice(w.t, "org_a");
        await seedVapi(w.t, "org_a", {
          publicKey: "public-key-of-a",
          privateKey,
          assistantId: "assistant-of-a",
          phoneNumber: { id: "pn_a", number: "+14155550100" },
        });
        const caller = spec.access === "member" ? asAdmin(w.t, "org_a") : w.t;
        let seen: unknown;
        try {
          seen = await callFunction(caller, kind, name, spec.args(w));
        } catch (error) {
          seen = { error: String(error), data: (error as { data?: unknown }).data };
        }
        expect(JSON.stringify(seen ?? null)).not.toContain(privateKey);
      });

      if (spec.access === "anonymous") return; // anyone may call it: the case above is its signed-out case

      test("a signed-out caller gets nothing and changes nothing", async () => {
        const w = await twoOrganizations();
        const args = spec.args(w);
        // A visitor without a session: a token nobody was ever given.
        if (spec.access === "visitor") args.sessionToken = generateToken();
        const before = await w.snapshot();
        expect(await errorData(callFunction(w.t, kind, name, args))).toMatchObject({
          code: spec.access === "member" ? "UNAUTHENTICATED" : "INVALID_SESSION",
        });
        expect(await w.snapshot()).toEqual(before);
      });

      test("organization B, given A's ids, is refused or answered without them; nothing outside B changes", async () => {
        const w = await twoOrganizations();
        const args = spec.args(w);
        if (spec.access === "visitor") args.sessionToken = w.visitorB;
        const caller = spec.access === "member" ? asAdmin(w.t, "org_b") : w.t;
        const idsOfA = await w.idsOfA();
        const before = await w.outsideB();
        let answer: unknown;
        try {
          answer = await callFunction(caller, kind, name, args);
        } catch (error) {
          // A refusal the caller can read (lib/errors.ts), not a rule's bare Error.
          expect((error as { data?: { code?: string } }).data?.code, String(error)).toEqual(
            expect.any(String),
          );
        }
        const leaked = idsOfA.filter((id) => JSON.stringify(answer ?? null).includes(id));
        expect(leaked).toEqual([]);
        expect(await w.outsideB()).toEqual(before);
      });

      if (spec.access === "visitor") {
        test("A's own visitor with an expired session gets nothing and changes nothing", async () => {
          const w = await twoOrganizations();
          await expireVisitorA(w);
          const before = await w.snapshot();
          expect(await errorData(callFunction(w.t, kind, name, spec.args(w)))).toMatchObject({
            code: "INVALID_SESSION",
          });
          expect(await w.snapshot()).toEqual(before);
        });
      }
    });
  }
});
