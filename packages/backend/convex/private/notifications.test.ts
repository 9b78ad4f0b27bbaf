import { describe, expect, test } from "vitest";

import { asAdmin, asOperator, createOrganization, createVisitor, setup } from "../../test/setup";
import { api } from "../_generated/api";

const page = { paginationOpts: { numItems: 20, cursor: null } };

async function escalatedConversation(t: ReturnType<typeof setup>, name = "Grace") {
  const sessionToken = await createVisitor(t, "org_a", name);
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  await t.mutation(api.public.messages.send, {
    sessionToken,
    conversationId,
    body: "My order arrived broken.",
  });
  await t.mutation(api.public.conversations.escalate, { sessionToken, conversationId });
  return { sessionToken, conversationId };
}

describe("private/notifications", () => {
  test("a visitor asking for a human notifies every member, saying who and what they wrote", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { conversationId } = await escalatedConversation(t);

    for (const member of [asAdmin(t, "org_a"), asOperator(t, "org_a")]) {
      expect(await member.query(api.private.notifications.unreadCount, {})).toEqual({
        count: 1,
        more: false,
      });
      const { page: notifications } = await member.query(api.private.notifications.list, page);
      expect(notifications).toEqual([
        expect.objectContaining({
          kind: "conversation.escalated",
          conversationId,
          title: "Grace asked for a human",
          body: "My order arrived broken.",
          unread: true,
        }),
      ]);
    }
  });

  test("the assistant handing a visitor over notifies the team too", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Grace");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
    await t.mutation(api.public.messages.send, {
      sessionToken,
      conversationId,
      body: "Can I speak to a real person please?",
    });
    // The local responder (no model configured) hands over when asked for a person.
    await t.finishAllScheduledFunctions(() => {});
    const { page: notifications } = await asOperator(t, "org_a").query(
      api.private.notifications.list,
      page,
    );
    expect(notifications).toEqual([
      expect.objectContaining({
        conversationId,
        title: "The assistant handed Grace to the team",
        // The visitor's words, not the assistant's answer that came after them.
        body: "Can I speak to a real person please?",
        unread: true,
      }),
    ]);
  });

  test("escalating twice notifies once", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const { sessionToken, conversationId } = await escalatedConversation(t);
    await t.mutation(api.public.conversations.escalate, { sessionToken, conversationId });
    expect(
      (await asOperator(t, "org_a").query(api.private.notifications.list, page)).page,
    ).toHaveLength(1);
  });

  test("read state is per member, and a newer notification stays unread", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const operator = asOperator(t, "org_a");
    await escalatedConversation(t, "Grace");
    const [first] = (await operator.query(api.private.notifications.list, page)).page;

    await escalatedConversation(t, "Linus");
    // The operator read the list as it was before Linus's notification arrived.
    await operator.mutation(api.private.notifications.markRead, { through: first!._creationTime });
    const { page: notifications } = await operator.query(api.private.notifications.list, page);
    expect(notifications.map((n) => [n.title, n.unread])).toEqual([
      ["Linus asked for a human", true],
      ["Grace asked for a human", false],
    ]);
    expect(await operator.query(api.private.notifications.unreadCount, {})).toEqual({
      count: 1,
      more: false,
    });
    // The admin has read nothing.
    expect((await asAdmin(t, "org_a").query(api.private.notifications.unreadCount, {})).count).toBe(
      2,
    );

    // Marking an older position later does not make anything unread again.
    await operator.mutation(api.private.notifications.markRead, {});
    await operator.mutation(api.private.notifications.markRead, { through: 1 });
    expect((await operator.query(api.private.notifications.unreadCount, {})).count).toBe(0);
  });

  test("the unread count stops at 99 and says there are more", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await t.run(async (ctx) => {
      for (let i = 0; i < 101; i++) {
        await ctx.db.insert("notifications", {
          organizationId: org._id,
          kind: "conversation.escalated",
          title: `Visitor ${i} asked for a human`,
          body: "Help",
        });
      }
    });
    expect(await asAdmin(t, "org_a").query(api.private.notifications.unreadCount, {})).toEqual({
      count: 99,
      more: true,
    });
  });

  test("signed-out callers are refused", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await expect(t.query(api.private.notifications.unreadCount, {})).rejects.toThrow(/sign in/i);
  });
});
