import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { enableVoice, seedVapi, useSecretsKey } from "../../test/voice";
import { api } from "../_generated/api";

const keys = { publicKey: "pub-key-of-a", privateKey: "private-key-of-a" };

beforeEach(() => useSecretsKey());
afterEach(() => vi.unstubAllEnvs());

describe("public/voice.config", () => {
  test("browser speech until the organization connects Vapi and sets an assistant", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await enableVoice(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a");
    expect(await t.query(api.public.voice.config, { sessionToken })).toEqual({
      provider: "browser",
      vapi: null,
      phoneNumber: null,
    });

    await seedVapi(t, "org_a", { ...keys, phoneNumber: { id: "pn_1", number: "+14155550100" } });
    // Keys but no assistant yet: still the browser, but the number can be shown.
    expect(await t.query(api.public.voice.config, { sessionToken })).toEqual({
      provider: "browser",
      vapi: null,
      phoneNumber: "+14155550100",
    });
  });

  test("Vapi with the public key, the assistant and the API base; never the private key", async () => {
    vi.stubEnv("VAPI_API_URL", "http://127.0.0.1:9/");
    const t = setup();
    await createOrganization(t, "org_a");
    await enableVoice(t, "org_a");
    await seedVapi(t, "org_a", { ...keys, assistantId: "asst_1" });
    const sessionToken = await createVisitor(t, "org_a");
    const config = await t.query(api.public.voice.config, { sessionToken });
    expect(config).toEqual({
      provider: "vapi",
      vapi: { publicKey: "pub-key-of-a", assistantId: "asst_1", apiBaseUrl: "http://127.0.0.1:9" },
      phoneNumber: null,
    });
    expect(JSON.stringify(config)).not.toContain(keys.privateKey);
  });

  test("the default API base is Vapi's cloud", async () => {
    // The test config points VAPI_API_URL at a closed port; unset, it is Vapi's cloud.
    vi.stubEnv("VAPI_API_URL", undefined);
    const t = setup();
    await createOrganization(t, "org_a");
    await enableVoice(t, "org_a");
    await seedVapi(t, "org_a", { ...keys, assistantId: "asst_1" });
    const sessionToken = await createVisitor(t, "org_a");
    const config = await t.query(api.public.voice.config, { sessionToken });
    expect(config.vapi?.apiBaseUrl).toBe("https://api.vapi.ai");
  });

  test("voice switched off or not in the plan: no Vapi, whatever is connected", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await seedVapi(t, "org_a", { ...keys, assistantId: "asst_1" });
    const sessionToken = await createVisitor(t, "org_a");
    // Free plan, voice off.
    expect((await t.query(api.public.voice.config, { sessionToken })).provider).toBe("browser");
    await enableVoice(t, "org_a");
    expect((await t.query(api.public.voice.config, { sessionToken })).provider).toBe("vapi");
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, { voiceEnabled: false });
    expect(await t.query(api.public.voice.config, { sessionToken })).toEqual({
      provider: "browser",
      vapi: null,
      phoneNumber: null,
    });
  });

  test("an expired or unknown session gets nothing", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(t.query(api.public.voice.config, { sessionToken: "not-a-session" })),
    ).toMatchObject({ code: "INVALID_SESSION" });
  });
});

describe("public/voice.attachCall", () => {
  async function voiceConversation() {
    const t = setup();
    await createOrganization(t, "org_a");
    await enableVoice(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Ada");
    const conversationId = await t.mutation(api.public.conversations.create, {
      sessionToken,
      channel: "voice",
    });
    return { t, sessionToken, conversationId };
  }
  const callsOf = (t: ReturnType<typeof setup>) =>
    t.run((ctx) => ctx.db.query("voiceCalls").collect());

  test("links a call to the visitor's voice conversation, once however often it is sent", async () => {
    const { t, sessionToken, conversationId } = await voiceConversation();
    for (let i = 0; i < 3; i++) {
      expect(
        await t.mutation(api.public.voice.attachCall, {
          sessionToken,
          conversationId,
          callId: "call_1",
        }),
      ).toBeNull();
    }
    expect(await callsOf(t)).toMatchObject([
      { conversationId, callId: "call_1", status: "queued" },
    ]);
  });

  test("refuses another session's conversation and a call already linked elsewhere", async () => {
    const { t, sessionToken, conversationId } = await voiceConversation();
    await t.mutation(api.public.voice.attachCall, {
      sessionToken,
      conversationId,
      callId: "call_1",
    });
    const other = await createVisitor(t, "org_a", "Eve");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        t.mutation(api.public.voice.attachCall, {
          sessionToken: other,
          conversationId,
          callId: "call_2",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    const othersCall = await t.mutation(api.public.conversations.create, {
      sessionToken: other,
      channel: "voice",
    });
    const beforeConflict = await snapshotTables(t);
    expect(
      await errorData(
        t.mutation(api.public.voice.attachCall, {
          sessionToken: other,
          conversationId: othersCall,
          callId: "call_1",
        }),
      ),
    ).toMatchObject({ code: "CONFLICT" });
    expect((await snapshotTables(t)).voiceCalls).toEqual(beforeConflict.voiceCalls);
    expect(before.voiceCalls).toHaveLength(1);
  });

  test("refuses a chat conversation and an empty call id", async () => {
    const { t, sessionToken, conversationId } = await voiceConversation();
    const chat = await t.mutation(api.public.conversations.create, { sessionToken });
    expect(
      await errorData(
        t.mutation(api.public.voice.attachCall, {
          sessionToken,
          conversationId: chat,
          callId: "c",
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
    expect(
      await errorData(
        t.mutation(api.public.voice.attachCall, { sessionToken, conversationId, callId: "  " }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
    expect(await callsOf(t)).toEqual([]);
  });
});
