import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { startVapiServer, type VapiServer } from "../../test/vapiServer";
import { useSecretsKey } from "../../test/voice";
import { api } from "../_generated/api";
import { unseal } from "../lib/secrets";
import { vapiSecretContext } from "../lib/voice";

let vapi: VapiServer;
beforeAll(async () => {
  vapi = await startVapiServer({ phoneNumbers: ["+14155550100"] });
});
afterAll(() => vapi.close());
beforeEach(() => {
  useSecretsKey();
  vi.stubEnv("VAPI_API_URL", vapi.url);
  vapi.behaviour.failure = null;
  vapi.requests.length = 0;
});
afterEach(() => vi.unstubAllEnvs());

const goodKeys = () => ({ publicKey: vapi.publicKey, privateKey: vapi.privateKey });

describe("private/vapi", () => {
  test("connect checks the private key with Vapi, then stores it encrypted", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    expect(await asAdmin(t, "org_a").query(api.private.vapi.get, {})).toMatchObject({
      connected: false,
      publicKeyHint: null,
    });
    await asAdmin(t, "org_a").action(api.private.vapi.connect, goodKeys());

    // A real server-SDK call, with the private key as its bearer token.
    expect(vapi.requests).toMatchObject([
      { method: "GET", path: "/assistant", authorization: `Bearer ${vapi.privateKey}` },
    ]);
    const plugins = await t.run((ctx) => ctx.db.query("plugins").collect());
    expect(plugins).toHaveLength(1);
    expect(JSON.stringify(plugins)).not.toContain(vapi.privateKey);
    const [plugin] = plugins;
    expect(
      await unseal(
        { ciphertext: plugin!.secretCiphertext, iv: plugin!.secretIv, keyId: plugin!.secretKeyId },
        vapiSecretContext(org._id),
      ),
    ).toBe(vapi.privateKey);

    const status = await asOperator(t, "org_a").query(api.private.vapi.get, {});
    expect(status).toMatchObject({
      connected: true,
      publicKeyHint: `…${vapi.publicKey.slice(-4)}`,
      canManage: false,
    });
    expect(JSON.stringify(status)).not.toContain(vapi.privateKey);
    expect(JSON.stringify(status)).not.toContain(vapi.publicKey);
  });

  test("a key Vapi refuses is an error an admin can act on, and nothing is stored", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(
        asAdmin(t, "org_a").action(api.private.vapi.connect, {
          publicKey: vapi.publicKey,
          privateKey: "not-the-key",
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
    // (the message tells the admin what to do)
    expect(
      (
        await errorData(
          asAdmin(t, "org_a").action(api.private.vapi.connect, {
            publicKey: vapi.publicKey,
            privateKey: "not-the-key",
          }),
        )
      ).message,
    ).toMatch(/did not accept this private key/);
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("Vapi's rate limit, its outages and no network each get their own message", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    vapi.behaviour.failure = { status: 429, message: "Too Many Requests" };
    expect(await errorData(admin.action(api.private.vapi.connect, goodKeys()))).toMatchObject({
      code: "RATE_LIMITED",
    });
    vapi.behaviour.failure = { status: 503, message: "Service Unavailable" };
    const outage = await errorData(admin.action(api.private.vapi.connect, goodKeys()));
    expect(outage.code).toBe("INTERNAL");
    expect(outage.message).toMatch(/Vapi had a problem/);
    vi.stubEnv("VAPI_API_URL", "http://127.0.0.1:9");
    const offline = await errorData(admin.action(api.private.vapi.connect, goodKeys()));
    expect(offline.code).toBe("INTERNAL");
    expect(offline.message).toMatch(/Could not reach Vapi/);
    expect(await t.run((ctx) => ctx.db.query("plugins").collect())).toEqual([]);
  });

  test("blank, spaced or identical keys are refused before Vapi is asked", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    for (const keys of [
      { publicKey: "", privateKey: vapi.privateKey },
      { publicKey: vapi.publicKey, privateKey: "two words" },
      { publicKey: vapi.privateKey, privateKey: vapi.privateKey },
    ]) {
      expect(await errorData(admin.action(api.private.vapi.connect, keys))).toMatchObject({
        code: "INVALID_INPUT",
      });
    }
    expect(vapi.requests).toEqual([]);
  });

  test("only admins connect and disconnect", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect(
      await errorData(asOperator(t, "org_a").action(api.private.vapi.connect, goodKeys())),
    ).toMatchObject({ code: "FORBIDDEN" });
    await asAdmin(t, "org_a").action(api.private.vapi.connect, goodKeys());
    expect(
      await errorData(asOperator(t, "org_a").mutation(api.private.vapi.disconnect, {})),
    ).toMatchObject({ code: "FORBIDDEN" });
    expect(await t.run((ctx) => ctx.db.query("plugins").collect())).toHaveLength(1);
  });

  test("disconnect deletes the keys; connecting again replaces them", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    await admin.action(api.private.vapi.connect, goodKeys());
    await admin.action(api.private.vapi.connect, goodKeys());
    expect(await t.run((ctx) => ctx.db.query("plugins").collect())).toHaveLength(1);
    await admin.mutation(api.private.vapi.disconnect, {});
    expect(await t.run((ctx) => ctx.db.query("plugins").collect())).toEqual([]);
    expect(await admin.query(api.private.vapi.get, {})).toMatchObject({ connected: false });
  });
});
