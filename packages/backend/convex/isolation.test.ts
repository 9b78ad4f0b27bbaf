/**
 * Tenant isolation: for every client-callable function, a caller from
 * organization B (a member's identity, or a visitor's session) aimed at
 * organization A's data gets nothing and changes nothing.
 *
 * The list of functions is discovered at test time; a function without a
 * case here fails the first test, so new functions cannot skip this.
 */
import { describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  asOperator,
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

/** Two organizations, each with members, a visitor and a conversation. */
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
  const snapshot = () => snapshotTables(t);
  /** A's rows of every table, to prove B's calls leave them as they were. */
  const rowsOfA = async () => {
    const tables = await snapshot();
    return Object.fromEntries(
      Object.entries(tables).map(([table, rows]) => [
        table,
        rows.filter((row) => JSON.stringify(row).includes(orgA._id) || row._id === orgA._id),
      ]),
    );
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
    snapshot,
    rowsOfA,
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

const page = { paginationOpts: { numItems: 50, cursor: null } };

const cases: Record<string, (w: World) => Promise<void>> = {
  "public/widgetSettings:frameAncestor": async ({ t }) => {
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

  "public/widgetSettings:getByOrganization": async ({ t }) => {
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

  "public/contactSessions:create": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
    const { sessionToken } = await t.mutation(api.public.contactSessions.create, {
      organizationId: "org_b",
      metadata: {},
    });
    expect(await rowsOfA()).toEqual(before);
    // A session made on B's widget opens nothing on A's.
    expect(
      await t.query(api.public.contactSessions.validate, { organizationId: "org_a", sessionToken }),
    ).toEqual({
      valid: false,
    });
  },

  "public/contactSessions:validate": async ({ t, visitorB }) => {
    expect(
      await t.query(api.public.contactSessions.validate, {
        organizationId: "org_a",
        sessionToken: visitorB,
      }),
    ).toEqual({ valid: false });
  },

  "public/contactSessions:refresh": async ({ t, visitorB, rowsOfA }) => {
    const before = await rowsOfA();
    await t.mutation(api.public.contactSessions.refresh, { sessionToken: visitorB });
    expect(await rowsOfA()).toEqual(before);
  },

  "public/conversations:create": async ({ t, visitorB, orgB, rowsOfA }) => {
    const before = await rowsOfA();
    const id = await t.mutation(api.public.conversations.create, { sessionToken: visitorB });
    expect(await rowsOfA()).toEqual(before);
    const created = await t.run(async (ctx) => ctx.db.get("conversations", id));
    expect(created?.organizationId).toBe(orgB._id);
  },

  "public/conversations:list": async ({ t, visitorB, conversationA, conversationB }) => {
    const result = await t.query(api.public.conversations.list, {
      sessionToken: visitorB,
      ...page,
    });
    expect(result.page.map((c) => c._id)).toEqual([conversationB]);
    expect(JSON.stringify(result)).not.toContain(conversationA);
  },

  "public/conversations:get": async ({ t, visitorB, conversationA }) => {
    expect(
      await errorData(
        t.query(api.public.conversations.get, {
          sessionToken: visitorB,
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  },

  "private/organizations:bootstrap": async ({ t, orgA, rowsOfA }) => {
    const before = await rowsOfA();
    const result = await asAdmin(t, "org_b").mutation(api.private.organizations.bootstrap, {});
    expect(result.organizationId).toBe("org_b");
    expect(await rowsOfA()).toEqual(before);
    const membershipsInA = await t.run(async (ctx) =>
      ctx.db
        .query("memberships")
        .withIndex("by_organization_id_and_user_id", (q) => q.eq("organizationId", orgA._id))
        .collect(),
    );
    expect(membershipsInA).toHaveLength(2); // A's own admin and operator only
  },

  "private/organizations:current": async ({ t }) => {
    const current = await asOperator(t, "org_b").query(api.private.organizations.current, {});
    expect(current.organizationId).toBe("org_b");
  },

  "private/widgetSettings:generateLogoUploadUrl": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
    await asAdmin(t, "org_b").mutation(api.private.widgetSettings.generateLogoUploadUrl, {});
    expect(await rowsOfA()).toEqual(before);
  },

  "private/widgetSettings:setLogo": async ({ t, rowsOfA }) => {
    const logoOfA = await t.run(async (ctx) =>
      ctx.storage.store(new Blob([new Uint8Array(8)], { type: "image/png" })),
    );
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, { storageId: logoOfA });
    const before = await rowsOfA();
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, { storageId: logoOfA }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    // B removing its (absent) logo never touches A's.
    await asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, { storageId: null });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/widgetSettings:get": async ({ t, orgB }) => {
    const settings = await asAdmin(t, "org_b").query(api.private.widgetSettings.get, {});
    expect(settings?.organizationId).toBe(orgB._id);
    expect(settings?.greeting).not.toBe("A's secret-ish greeting");
  },

  "private/widgetSettings:update": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
    await asAdmin(t, "org_b").mutation(api.private.widgetSettings.update, {
      greeting: "Owned by B",
    });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/conversations:list": async ({ t, conversationA, conversationB }) => {
    const result = await asOperator(t, "org_b").query(api.private.conversations.list, page);
    expect(result.page.map((c) => c._id)).toEqual([conversationB]);
    expect(JSON.stringify(result)).not.toContain(conversationA);
  },

  "private/conversations:get": async ({ t, conversationA }) => {
    expect(
      await errorData(
        asOperator(t, "org_b").query(api.private.conversations.get, {
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  },

  "public/conversations:escalate": async ({ t, visitorB, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        t.mutation(api.public.conversations.escalate, {
          sessionToken: visitorB,
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "public/conversations:rate": async ({ t, visitorB, conversationA, rowsOfA }) => {
    await asAdmin(t, "org_a").mutation(api.private.conversations.setStatus, {
      conversationId: conversationA,
      status: "resolved",
    });
    const before = await rowsOfA();
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
    expect(await rowsOfA()).toEqual(before);
  },

  "public/messages:list": async ({ t, visitorB, conversationA }) => {
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

  "public/messages:send": async ({ t, visitorB, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        t.mutation(api.public.messages.send, {
          sessionToken: visitorB,
          conversationId: conversationA,
          body: "hi",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/conversations:setStatus": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.conversations.setStatus, {
          conversationId: conversationA,
          status: "resolved",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/messages:list": async ({ t, conversationA }) => {
    expect(
      await errorData(
        asOperator(t, "org_b").query(api.private.messages.list, {
          conversationId: conversationA,
          ...page,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  },

  "private/messages:send": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asOperator(t, "org_b").mutation(api.private.messages.send, {
          conversationId: conversationA,
          body: "hello",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/conversations:counts": async ({ t }) => {
    // A and B each have one new conversation: B's counts are B's alone.
    expect(await asOperator(t, "org_b").query(api.private.conversations.counts, {})).toEqual({
      unresolved: 1,
      escalated: 0,
      resolved: 0,
    });
  },

  "private/conversations:search": async ({ t, visitorA, conversationA, conversationB }) => {
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

  "private/conversations:assign": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.conversations.assign, {
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/conversations:markRead": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asOperator(t, "org_b").mutation(api.private.conversations.markRead, {
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/messages:addNote": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asOperator(t, "org_b").mutation(api.private.messages.addNote, {
          conversationId: conversationA,
          body: "B's note",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/typing:set": async ({ t, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asOperator(t, "org_b").mutation(api.private.typing.set, {
          conversationId: conversationA,
          typing: true,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/typing:get": async ({ t, visitorA, conversationA }) => {
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

  "public/typing:set": async ({ t, visitorB, conversationA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        t.mutation(api.public.typing.set, {
          sessionToken: visitorB,
          conversationId: conversationA,
          typing: true,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "public/typing:get": async ({ t, visitorB, conversationA }) => {
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

  "private/cannedResponses:list": async ({ t }) => {
    await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
      title: "A's refund reply",
      shortcut: "refund",
      body: "A refunds within 5 days.",
    });
    expect(await asOperator(t, "org_b").query(api.private.cannedResponses.list, {})).toEqual([]);
  },

  "private/cannedResponses:create": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
    await asAdmin(t, "org_b").mutation(api.private.cannedResponses.create, {
      title: "B's reply",
      shortcut: "hello",
      body: "Hello from B",
    });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/cannedResponses:update": async ({ t, rowsOfA }) => {
    const id = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
      title: "A's reply",
      shortcut: "hello",
      body: "Hello from A",
    });
    const before = await rowsOfA();
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
    expect(await rowsOfA()).toEqual(before);
  },

  "private/cannedResponses:remove": async ({ t, rowsOfA }) => {
    const id = await asAdmin(t, "org_a").mutation(api.private.cannedResponses.create, {
      title: "A's reply",
      shortcut: "hello",
      body: "Hello from A",
    });
    const before = await rowsOfA();
    expect(
      await errorData(asAdmin(t, "org_b").mutation(api.private.cannedResponses.remove, { id })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/suggestions:suggest": async (w) => {
    const { t, visitorA, conversationA, rowsOfA } = w;
    await handOver(w); // A's team answers: no agent reply runs in the background.
    await t.mutation(api.public.messages.send, {
      sessionToken: visitorA,
      conversationId: conversationA,
      body: "How long do refunds take?",
    });
    const before = await rowsOfA();
    expect(
      await errorData(
        asOperator(t, "org_b").action(api.private.suggestions.suggest, {
          conversationId: conversationA,
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/notifications:list": async (w) => {
    const { t } = w;
    await handOver(w);
    const result = await asOperator(t, "org_b").query(api.private.notifications.list, page);
    expect(result.page).toEqual([]);
  },

  "private/notifications:unreadCount": async (w) => {
    const { t } = w;
    await handOver(w);
    expect(await asOperator(t, "org_b").query(api.private.notifications.unreadCount, {})).toEqual({
      count: 0,
      more: false,
    });
  },

  "private/notifications:markRead": async (w) => {
    const { t, rowsOfA } = w;
    await handOver(w);
    const before = await rowsOfA();
    await asOperator(t, "org_b").mutation(api.private.notifications.markRead, {});
    expect(await rowsOfA()).toEqual(before);
    expect(
      (await asOperator(t, "org_a").query(api.private.notifications.unreadCount, {})).count,
    ).toBe(1);
  },

  "private/knowledgeBase:list": async ({ t, sourceA }) => {
    const result = await asOperator(t, "org_b").query(api.private.knowledgeBase.list, page);
    expect(result.page).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(sourceA);
  },

  "private/knowledgeGaps:list": async ({ t, conversationA }) => {
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

  "private/knowledgeBase:addText": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
    await asAdmin(t, "org_b").mutation(api.private.knowledgeBase.addText, {
      title: "B",
      text: "B's own article.",
    });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/knowledgeBase:remove": async ({ t, sourceA, rowsOfA }) => {
    const before = await rowsOfA();
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.knowledgeBase.remove, { sourceId: sourceA }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/members:list": async ({ t }) => {
    const { members } = await asOperator(t, "org_b").query(api.private.members.list, {});
    expect(members.map((m) => m.externalId).sort()).toEqual(["admin_org_b", "operator_org_b"]);
  },

  "private/members:add": async ({ t, rowsOfA }) => {
    const before = await rowsOfA();
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
    expect(await rowsOfA()).toEqual(before);
  },

  "private/members:changeRole": async ({ t, rowsOfA }) => {
    const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
    const before = await rowsOfA();
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
    expect(await rowsOfA()).toEqual(before);
  },

  "private/members:remove": async ({ t, rowsOfA }) => {
    const { members } = await asAdmin(t, "org_a").query(api.private.members.list, {});
    const before = await rowsOfA();
    for (const member of members) {
      expect(
        await errorData(
          asAdmin(t, "org_b").mutation(api.private.members.remove, {
            membershipId: member.membershipId,
          }),
        ),
      ).toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await rowsOfA()).toEqual(before);
  },

  "private/billing:get": async ({ t }) => {
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

  "public/voice:config": async ({ t, visitorB }) => {
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

  "public/voice:attachCall": async ({ t, visitorA, visitorB, rowsOfA }) => {
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
    const before = await rowsOfA();
    expect(
      await errorData(
        t.mutation(api.public.voice.attachCall, {
          sessionToken: visitorB,
          conversationId: callOfA,
          callId: "call_of_b",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await rowsOfA()).toEqual(before);
  },

  "private/vapi:get": async ({ t }) => {
    useSecretsKey();
    await seedVapi(t, "org_a", {
      publicKey: "public-key-of-a",
      privateKey: "private-key-of-a",
      assistantId: "assistant-of-a",
    });
    const status = await asAdmin(t, "org_b").query(api.private.vapi.get, {});
    expect(status).toMatchObject({ connected: false, assistant: null, publicKeyHint: null });
  },

  "private/vapi:connect": async ({ t, rowsOfA }) => {
    useSecretsKey();
    const vapi = await startVapiServer();
    try {
      vi.stubEnv("VAPI_API_URL", vapi.url);
      const before = await rowsOfA();
      await asAdmin(t, "org_b").action(api.private.vapi.connect, {
        publicKey: vapi.publicKey,
        privateKey: vapi.privateKey,
      });
      expect(await rowsOfA()).toEqual(before);
      expect(await asAdmin(t, "org_a").query(api.private.vapi.get, {})).toMatchObject({
        connected: false,
      });
    } finally {
      await vapi.close();
      vi.unstubAllEnvs();
    }
  },

  "private/vapi:disconnect": async ({ t, rowsOfA }) => {
    useSecretsKey();
    await seedVapi(t, "org_a", { publicKey: "public-key-of-a", privateKey: "private-key-of-a" });
    const before = await rowsOfA();
    await asAdmin(t, "org_b").mutation(api.private.vapi.disconnect, {});
    expect(await rowsOfA()).toEqual(before);
  },

  "private/onboarding:get": async ({ t }) => {
    // A has knowledge, a customized widget, a visitor and two members; B only its members.
    expect(await asAdmin(t, "org_b").query(api.private.onboarding.get, {})).toEqual({
      knowledge: false,
      widget: false,
      installed: false,
      tested: true,
      teammate: true,
    });
  },
};

describe("tenant isolation", () => {
  test("every public/ and private/ function has a cross-organization case", async () => {
    const names = (await clientFunctions()).map((f) => f.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !(name in cases))).toEqual([]);
    // And no case is left for a function that no longer exists.
    expect(Object.keys(cases).filter((name) => !names.includes(name))).toEqual([]);
  });

  test("signed-out callers get nothing from any private/ function", async () => {
    const { t, snapshot } = await twoOrganizations();
    const before = await snapshot();
    for (const call of [
      t.query(api.private.organizations.current, {}),
      t.query(api.private.widgetSettings.get, {}),
      t.mutation(api.private.widgetSettings.update, { greeting: "x" }),
      t.query(api.private.conversations.list, page),
    ]) {
      expect(await errorData(call)).toMatchObject({ code: "UNAUTHENTICATED" });
    }
    expect(await snapshot()).toEqual(before);
  });

  for (const [name, run] of Object.entries(cases)) {
    test(`${name}: organization B cannot reach organization A`, async () => {
      await run(await twoOrganizations());
    });
  }
});
