import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
  type Test,
} from "../../test/setup";
import { api, internal } from "../_generated/api";
import { preview } from "../lib/conversations";
import { REPLY_TIMEOUT_MS } from "../system/messages";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("PARLEY_STREAM_PACING_MS", "0");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const page = { paginationOpts: { numItems: 50, cursor: null } };

/**
 * Run the agent's reply to completion. Not `vi.runAllTimers`: that would also
 * run each session's expiry job, a week ahead.
 */
const replyTimers = () => vi.advanceTimersByTime(1000);

/** An organization with a knowledge base, a visitor and an open conversation. */
async function chat() {
  const t = setup();
  await createOrganization(t, "org_a");
  await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, {
    title: "Shipping policy",
    text: "Orders ship within two business days.\n\nInternational deliveries take 7 to 10 days and customs fees are paid by the recipient.",
  });
  const sessionToken = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
  const messages = async () =>
    (
      await t.query(api.public.messages.list, { sessionToken, conversationId, ...page })
    ).page.reverse();
  const send = async (body: string) => {
    await t.mutation(api.public.messages.send, { sessionToken, conversationId, body });
    await t.finishAllScheduledFunctions(replyTimers);
  };
  return { t, sessionToken, conversationId, messages, send };
}

/** A visitor's message written directly, so that no reply is scheduled for it. */
async function visitorMessage(t: Test, conversationId: string, body: string) {
  return await t.run(async (ctx) => {
    const conversation = (await ctx.db.get("conversations", conversationId as never))!;
    return await ctx.db.insert("messages", {
      organizationId: conversation.organizationId,
      conversationId: conversation._id,
      role: "visitor",
      body,
      status: "complete",
    });
  });
}

async function status(t: Test, sessionToken: string, conversationId: string) {
  return (
    await t.query(api.public.conversations.get, {
      sessionToken,
      conversationId: conversationId as never,
    })
  ).status;
}

describe("public/messages", () => {
  test("the agent answers from the knowledge base and cites the source", async () => {
    const { messages, send } = await chat();
    await send("How long does international delivery take?");
    const all = await messages();
    expect(all.map((m) => m.role)).toEqual(["ai", "visitor", "ai"]);
    const answer = all[2]!;
    expect(answer.status).toBe("complete");
    expect(answer.body).toContain("International deliveries take 7 to 10 days");
    expect(answer.body).toContain("Source: **Shipping policy**");
    expect(answer.sources).toMatchObject([{ title: "Shipping policy" }]);
  });

  test("with no matching article the agent offers a human instead of inventing an answer", async () => {
    const { messages, send } = await chat();
    await send("Do you sell gift cards?");
    const answer = (await messages()).at(-1)!;
    expect(answer.body).toMatch(/couldn't find an answer/);
    expect(answer.body).not.toContain("Shipping policy");
    expect(answer.body).toMatch(/Talk to a human/);
    expect(answer.sources).toEqual([]);
  });

  test("a question that only shares words with an article is not answered from it, and is recorded as a gap", async () => {
    const { t, messages, send } = await chat();
    // "customs" and "fees" are in the shipping article; "kayaks" is in none.
    await send("Do you sell kayaks, and what are the customs fees on them?");
    const answer = (await messages()).at(-1)!;
    expect(answer.body).toMatch(/not sure/);
    expect(answer.body).toMatch(/Talk to a human/);
    expect(answer.sources).toEqual([]);
    const gaps = await asAdmin(t, "org_a").query(api.private.knowledgeGaps.list, page);
    expect(gaps.page).toMatchObject([
      { question: "Do you sell kayaks, and what are the customs fees on them?", count: 1 },
    ]);
    // An answered question is no gap.
    await send("How long does international delivery take?");
    expect(
      (await asAdmin(t, "org_a").query(api.private.knowledgeGaps.list, page)).page,
    ).toHaveLength(1);
  });

  test("a reply streams as ordered deltas beside its message, and its body is written once at the end", async () => {
    const { t, sessionToken, conversationId, messages } = await chat();
    const question = await visitorMessage(t, conversationId, "When do orders ship?");
    const started = await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId: question,
    });
    // The agent gets what it needs to answer with the opened reply: no second call.
    expect(started?.input.agentName).toBeTruthy();
    expect(started?.input.history.at(-1)).toEqual({
      role: "visitor",
      body: "When do orders ship?",
    });
    const replyId = started!.replyId;
    const listed = await messages();
    expect(listed.at(-1)).toMatchObject({
      _id: replyId,
      role: "ai",
      body: "",
      status: "streaming",
    });
    const streaming = () =>
      t.query(api.public.messages.streaming, { sessionToken, conversationId });
    expect(await streaming()).toEqual([]);

    // Written out of order (concurrent flushes), read back in `seq` order; a repeat is stored once.
    for (const [seq, text] of [
      [1, "ship in "],
      [0, "Orders "],
      [2, "two days."],
      [1, "ship in "],
    ] as const) {
      await t.mutation(internal.system.messages.appendDelta, { messageId: replyId, seq, text });
    }
    expect(await streaming()).toEqual([
      {
        messageId: replyId,
        deltas: [
          { seq: 0, text: "Orders " },
          { seq: 1, text: "ship in " },
          { seq: 2, text: "two days." },
        ],
      },
    ]);
    // The message itself is untouched while it streams: its list has nothing new to send.
    expect(await messages()).toEqual(listed);

    await t.mutation(internal.system.messages.finishReply, {
      messageId: replyId,
      status: "complete",
      sourceIds: [],
      escalate: false,
    });
    expect((await messages()).at(-1)).toMatchObject({
      body: "Orders ship in two days.",
      status: "complete",
    });
    // The deltas are gone with the same write.
    expect(await streaming()).toEqual([]);
    expect(await t.run((ctx) => ctx.db.query("messageDeltas").collect())).toEqual([]);

    // A late delta after the reply closed changes nothing.
    await t.mutation(internal.system.messages.appendDelta, {
      messageId: replyId,
      seq: 3,
      text: " LATE",
    });
    expect((await messages()).at(-1)).toMatchObject({ body: "Orders ship in two days." });
    expect(await streaming()).toEqual([]);
  });

  test("the agent's reply leaves no deltas behind, and its preview is the whole answer", async () => {
    const { t, sessionToken, conversationId, messages, send } = await chat();
    await send("How long does international delivery take?");
    const answer = (await messages()).at(-1)!;
    expect(answer).toMatchObject({ role: "ai", status: "complete" });
    expect(answer.body).toMatch(/7 to 10 days/);
    expect(await t.query(api.public.messages.streaming, { sessionToken, conversationId })).toEqual(
      [],
    );
    expect(await t.run((ctx) => ctx.db.query("messageDeltas").collect())).toEqual([]);
    const conversation = await t.query(api.public.conversations.get, {
      sessionToken,
      conversationId,
    });
    expect(conversation.lastMessagePreview).toBe(preview(answer.body));
  });

  test("a reply whose action died is closed by the sweep, keeping its text and deleting its deltas", async () => {
    const { t, sessionToken, conversationId, messages } = await chat();
    const question = await visitorMessage(t, conversationId, "When do orders ship?");
    const { replyId } = (await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId: question,
    }))!;
    await t.mutation(internal.system.messages.appendDelta, {
      messageId: replyId,
      seq: 0,
      text: "Orders ship",
    });
    // No finishReply: the action is gone. The sweep was scheduled with the reply.
    vi.advanceTimersByTime(REPLY_TIMEOUT_MS);
    await t.finishInProgressScheduledFunctions();
    expect((await messages()).at(-1)).toMatchObject({
      _id: replyId,
      body: "Orders ship",
      status: "failed",
    });
    expect(await t.query(api.public.messages.streaming, { sessionToken, conversationId })).toEqual(
      [],
    );
  });

  test("another visitor, or another organization, cannot read a reply's deltas", async () => {
    const { t, sessionToken, conversationId } = await chat();
    const question = await visitorMessage(t, conversationId, "When do orders ship?");
    const { replyId } = (await t.mutation(internal.system.messages.startReply, {
      conversationId,
      messageId: question,
    }))!;
    await t.mutation(internal.system.messages.appendDelta, {
      messageId: replyId,
      seq: 0,
      text: "Secret ",
    });
    // Its own visitor and its own team see it.
    expect(
      await t.query(api.public.messages.streaming, { sessionToken, conversationId }),
    ).toHaveLength(1);
    expect(
      await asAdmin(t, "org_a").query(api.private.messages.streaming, { conversationId }),
    ).toEqual([{ messageId: replyId, deltas: [{ seq: 0, text: "Secret " }] }]);

    const otherVisitor = await createVisitor(t, "org_a", "Eve");
    expect(
      await errorData(
        t.query(api.public.messages.streaming, { sessionToken: otherVisitor, conversationId }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    await createOrganization(t, "org_b");
    expect(
      await errorData(
        asAdmin(t, "org_b").query(api.private.messages.streaming, { conversationId }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(
      await errorData(t.query(api.private.messages.streaming, { conversationId })),
    ).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  test("asking for a person hands the conversation over, and the agent then stays silent", async () => {
    const { t, sessionToken, conversationId, messages, send } = await chat();
    await send("Can I talk to a real person please?");
    expect(await status(t, sessionToken, conversationId)).toBe("escalated");
    const afterHandOver = await messages();
    expect(afterHandOver.at(-1)).toMatchObject({ role: "system" });

    await send("Hello? Shipping times?");
    const later = await messages();
    expect(later).toHaveLength(afterHandOver.length + 1);
    expect(later.at(-1)).toMatchObject({ role: "visitor", body: "Hello? Shipping times?" });
  });

  test("'Talk to a human' escalates at once", async () => {
    const { t, sessionToken, conversationId, messages } = await chat();
    const conversation = await t.mutation(api.public.conversations.escalate, {
      sessionToken,
      conversationId,
    });
    expect(conversation.status).toBe("escalated");
    expect((await messages()).at(-1)?.body).toBe(
      "A member of the team has been notified and will reply here.",
    );
    const audit = await t.run(async (ctx) => ctx.db.query("auditLogs").collect());
    expect(audit.at(-1)).toMatchObject({
      action: "conversation.escalated",
      actor: { type: "visitor" },
    });
  });

  test("a reply to a message that is no longer the latest is not opened", async () => {
    const { t, conversationId, messages } = await chat();
    const first = await visitorMessage(t, conversationId, "Hello?");
    await visitorMessage(t, conversationId, "Do you ship abroad?");
    expect(
      await t.mutation(internal.system.messages.startReply, { conversationId, messageId: first }),
    ).toBeNull();
    expect((await messages()).map((m) => m.role)).toEqual(["ai", "visitor", "visitor"]);
  });

  test("only the latest of several quick messages gets an answer", async () => {
    const { t, sessionToken, conversationId, messages } = await chat();
    await t.mutation(api.public.messages.send, { sessionToken, conversationId, body: "hi" });
    await t.mutation(api.public.messages.send, {
      sessionToken,
      conversationId,
      body: "shipping time?",
    });
    await t.finishAllScheduledFunctions(replyTimers);
    const roles = (await messages()).map((m) => m.role);
    expect(roles).toEqual(["ai", "visitor", "visitor", "ai"]);
  });

  test("empty messages and messages to a resolved conversation are refused, writing nothing", async () => {
    const { t, sessionToken, conversationId } = await chat();
    const before = await snapshotTables(t);
    expect(
      await errorData(
        t.mutation(api.public.messages.send, { sessionToken, conversationId, body: "   " }),
      ),
    ).toEqual({
      code: "INVALID_INPUT",
      message: "Please type a message.",
    });
    expect(await snapshotTables(t)).toEqual(before);

    await t.run(async (ctx) =>
      ctx.db.patch("conversations", conversationId, { status: "resolved" }),
    );
    expect(
      await errorData(
        t.mutation(api.public.messages.send, { sessionToken, conversationId, body: "hi" }),
      ),
    ).toEqual({
      code: "CONFLICT",
      message: "This conversation has ended. Please start a new one.",
    });
  });

  test("a visitor cannot flood a conversation", async () => {
    const { t, sessionToken, conversationId } = await chat();
    await t.run(async (ctx) =>
      ctx.db.patch("conversations", conversationId, { status: "escalated" }),
    );
    for (let i = 0; i < 10; i++) {
      await t.mutation(api.public.messages.send, {
        sessionToken,
        conversationId,
        body: `message ${i}`,
      });
    }
    expect(
      await errorData(
        t.mutation(api.public.messages.send, { sessionToken, conversationId, body: "one more" }),
      ),
    ).toMatchObject({ code: "RATE_LIMITED" });
  });
});
