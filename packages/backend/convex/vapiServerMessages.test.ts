/**
 * `POST /vapi/server-messages`: Vapi's server messages, built from Vapi's
 * documented payloads, authenticated by the organization's credential.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { createOrganization, createVisitor, setup, snapshotTables, type Test } from "../test/setup";
import { enableVoice, seedVapi, useSecretsKey } from "../test/voice";
import { api } from "./_generated/api";
import { VAPI_SERVER_MESSAGES_PATH } from "./http";

const SECRET_A = "server-secret-of-organization-a";
const SECRET_B = "server-secret-of-organization-b";

beforeEach(() => {
  vi.useFakeTimers();
  useSecretsKey();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function world(options: { managed?: boolean } = {}) {
  const t = setup();
  await createOrganization(t, "org_a");
  await createOrganization(t, "org_b");
  await enableVoice(t, "org_a");
  await seedVapi(t, "org_a", {
    publicKey: "pk_a",
    privateKey: "sk_a",
    serverSecret: SECRET_A,
    ...(options.managed ? { assistantId: "asst_managed" } : {}),
  });
  await seedVapi(t, "org_b", { publicKey: "pk_b", privateKey: "sk_b", serverSecret: SECRET_B });
  const sessionToken = await createVisitor(t, "org_a", "Ada");
  const conversationId = await t.mutation(api.public.conversations.create, {
    sessionToken,
    channel: "voice",
  });
  await t.mutation(api.public.voice.attachCall, { sessionToken, conversationId, callId: "call_1" });
  return { t, sessionToken, conversationId };
}

/** POST a server message as Vapi does; `drain` runs the scheduled processing. */
async function deliver(
  t: Test,
  message: Record<string, unknown>,
  headers: Record<string, string> = { authorization: `Bearer ${SECRET_A}` },
) {
  const response = await t.fetch(VAPI_SERVER_MESSAGES_PATH, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      message: { timestamp: Date.now(), call: { id: "call_1" }, ...message },
    }),
  });
  vi.advanceTimersByTime(1);
  await t.finishInProgressScheduledFunctions();
  return response;
}

const callRow = (t: Test) => t.run(async (ctx) => (await ctx.db.query("voiceCalls").collect())[0]);
const messagesOf = (t: Test, conversationId: string) =>
  t.run(async (ctx) =>
    (await ctx.db.query("messages").collect()).filter((m) => m.conversationId === conversationId),
  );
const voiceMinutes = (t: Test) =>
  t.run(async (ctx) =>
    (await ctx.db.query("usage").collect()).reduce((sum, row) => sum + row.voiceMinutes, 0),
  );

const report = {
  type: "end-of-call-report",
  endedReason: "customer-ended-call",
  durationSeconds: 125.4,
  cost: 0.31,
  analysis: { summary: "The visitor asked about refunds and was told 5 business days." },
  artifact: {
    transcript: "AI: Hi!\nUser: How long do refunds take?\nAI: 5 business days.",
    recordingUrl: "https://storage.vapi.ai/call_1-mono.wav",
  },
};

describe("POST /vapi/server-messages", () => {
  test("unauthenticated, wrong-secret and tampered deliveries get 401 and write nothing", async () => {
    const { t } = await world();
    const before = await snapshotTables(t);
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: "Bearer not-a-secret" },
      { "x-vapi-secret": `${SECRET_A}x` },
      { authorization: `Basic ${SECRET_A}` },
    ]) {
      const response = await deliver(t, { type: "status-update", status: "in-progress" }, headers);
      expect(response.status).toBe(401);
    }
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("status-update moves the call forward, never back; X-Vapi-Secret also authenticates", async () => {
    const { t } = await world();
    expect((await deliver(t, { type: "status-update", status: "ringing" })).status).toBe(200);
    expect((await callRow(t))?.status).toBe("ringing");
    await deliver(
      t,
      { type: "status-update", status: "in-progress" },
      { "x-vapi-secret": SECRET_A },
    );
    expect((await callRow(t))?.status).toBe("in-progress");
    // Out of order: a late "ringing" after "in-progress", then "ended", then "queued".
    await deliver(t, { type: "status-update", status: "ringing" });
    expect((await callRow(t))?.status).toBe("in-progress");
    await deliver(t, {
      type: "status-update",
      status: "ended",
      endedReason: "customer-ended-call",
    });
    await deliver(t, { type: "status-update", status: "queued" });
    expect(await callRow(t)).toMatchObject({ status: "ended", endedReason: "customer-ended-call" });
  });

  test("final transcripts become the conversation's messages; partial ones do not; redelivery ×3 is one message", async () => {
    const { t, conversationId } = await world();
    const before = (await messagesOf(t, conversationId)).length;
    const utterance = {
      type: "transcript",
      role: "user",
      transcriptType: "final",
      transcript: "How long do refunds take?",
    };
    await deliver(t, { ...utterance, transcriptType: "partial", transcript: "How long" });
    for (let i = 0; i < 3; i++) expect((await deliver(t, utterance)).status).toBe(200);
    await deliver(t, { ...utterance, role: "assistant", transcript: "Five business days." });
    const messages = (await messagesOf(t, conversationId)).slice(before);
    expect(messages.map((m) => [m.role, m.body])).toEqual([
      ["visitor", "How long do refunds take?"],
      ["ai", "Five business days."],
    ]);
  });

  test("a managed assistant's transcripts are not stored twice (its turns come through the LLM route)", async () => {
    const { t, conversationId } = await world({ managed: true });
    const before = (await messagesOf(t, conversationId)).length;
    await deliver(t, {
      type: "transcript",
      role: "user",
      transcriptType: "final",
      transcript: "Hi",
    });
    expect(await messagesOf(t, conversationId)).toHaveLength(before);
  });

  test("end-of-call-report stores summary, duration, cost, recording and ended reason, and counts minutes once", async () => {
    const { t, conversationId } = await world();
    for (let i = 0; i < 3; i++) expect((await deliver(t, report)).status).toBe(200);
    expect(await callRow(t)).toMatchObject({
      status: "ended",
      endedReason: "customer-ended-call",
      summary: "The visitor asked about refunds and was told 5 business days.",
      durationSeconds: 125.4,
      cost: 0.31,
      recordingUrl: "https://storage.vapi.ai/call_1-mono.wav",
      billedMinutes: 3,
    });
    expect(await voiceMinutes(t)).toBe(3);
    const events = (await messagesOf(t, conversationId)).filter((m) => m.role === "event");
    expect(events.map((m) => m.body)).toEqual(["Voice call ended after 2 min 5 s."]);
  });

  test("a recording link that is not http(s) is dropped", async () => {
    const { t } = await world();
    await deliver(t, { ...report, artifact: { recordingUrl: "javascript:alert(1)" } });
    expect((await callRow(t))?.recordingUrl).toBeUndefined();
  });

  test("hang is noted in the conversation for the team", async () => {
    const { t, conversationId } = await world();
    await deliver(t, { type: "hang" });
    await deliver(t, { type: "hang" });
    const events = (await messagesOf(t, conversationId)).filter((m) => m.role === "event");
    expect(events).toHaveLength(1);
    expect(events[0]?.body).toMatch(/took too long/);
  });

  test("another organization's credential cannot touch this organization's call", async () => {
    const { t } = await world();
    const before = await snapshotTables(t);
    const response = await deliver(t, report, { authorization: `Bearer ${SECRET_B}` });
    expect(response.status).toBe(200);
    const after = await snapshotTables(t);
    expect(after.voiceCalls).toEqual(before.voiceCalls);
    expect(after.messages).toEqual(before.messages);
    expect(after.usage).toEqual(before.usage);
  });

  test("unknown message types are acknowledged and ignored", async () => {
    const { t } = await world();
    const before = await snapshotTables(t);
    expect(
      (await deliver(t, { type: "speech-update", status: "started", role: "user" })).status,
    ).toBe(200);
    expect(await snapshotTables(t)).toEqual(before);
  });
});
