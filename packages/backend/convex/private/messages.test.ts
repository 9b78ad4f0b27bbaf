import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  createVisitor,
  errorData,
  setup,
} from "../../test/setup";
import { api } from "../_generated/api";

const page = { paginationOpts: { numItems: 50, cursor: null } };

async function inbox() {
  const t = setup();
  await createOrganization(t, "org_a");
  const sessionToken = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  return { t, sessionToken, conversationId, operator: asOperator(t, "org_a") };
}

describe("private/messages", () => {
  test("an operator's reply takes the conversation over and reaches the visitor", async () => {
    const { t, sessionToken, conversationId, operator } = await inbox();
    await operator.mutation(api.private.messages.send, {
      conversationId,
      body: "Hi Ada, Olga here.",
    });

    const conversation = await operator.query(api.private.conversations.get, { conversationId });
    expect(conversation.status).toBe("escalated");
    const operatorUser = await t.run(async (ctx) =>
      ctx.db
        .query("users")
        .withIndex("by_token_identifier", (q) =>
          q.eq("tokenIdentifier", "https://auth.parley.test|operator_org_a"),
        )
        .unique(),
    );
    expect(conversation.assignee?._id).toBe(operatorUser?._id);
    expect(conversation.lastMessagePreview).toBe("Hi Ada, Olga here.");

    const seenByVisitor = await t.query(api.public.messages.list, {
      sessionToken,
      conversationId,
      ...page,
    });
    expect(seenByVisitor.page[0]).toMatchObject({ role: "operator", body: "Hi Ada, Olga here." });
    const seenByOperator = await operator.query(api.private.messages.list, {
      conversationId,
      ...page,
    });
    // The team's timeline also records the takeover; the visitor's does not.
    expect(seenByOperator.page.map((m) => m.role)).toEqual(["operator", "event", "ai"]);
    expect(seenByOperator.page[1]!.body).toMatch(/took over from the AI agent/);
    expect(seenByVisitor.page.map((m) => m.role)).toEqual(["operator", "ai"]);
  });

  test("resolving ends the chat; replying needs it reopened", async () => {
    const { t, sessionToken, conversationId, operator } = await inbox();
    await operator.mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "resolved",
    });
    expect(
      await errorData(
        operator.mutation(api.private.messages.send, { conversationId, body: "one more thing" }),
      ),
    ).toEqual({ code: "CONFLICT", message: "This conversation is resolved. Reopen it to reply." });
    expect(
      await errorData(
        t.mutation(api.public.messages.send, { sessionToken, conversationId, body: "wait" }),
      ),
    ).toMatchObject({ code: "CONFLICT" });

    await asAdmin(t, "org_a").mutation(api.private.conversations.setStatus, {
      conversationId,
      status: "escalated",
    });
    await operator.mutation(api.private.messages.send, {
      conversationId,
      body: "Reopened: go ahead.",
    });
    const audit = await t.run(async (ctx) => ctx.db.query("auditLogs").collect());
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["conversation.resolved", "conversation.reopened", "message.sent"]),
    );
  });

  test("blank replies are refused", async () => {
    const { conversationId, operator } = await inbox();
    expect(
      await errorData(
        operator.mutation(api.private.messages.send, { conversationId, body: "\n  " }),
      ),
    ).toEqual({
      code: "INVALID_INPUT",
      message: "Please type a message.",
    });
  });
});
