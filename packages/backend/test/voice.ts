/**
 * Voice test helpers: a secrets key for `lib/secrets.ts`, an organization on
 * a plan with voice switched on, and a Vapi connection seeded as
 * `private/vapi.connect` and the assistant settings leave it.
 */
import { vi } from "vitest";

import { api } from "../convex/_generated/api";
import { seal } from "../convex/lib/secrets";
import { vapiSecretContext } from "../convex/lib/voice";
import { asAdmin, type Test } from "./setup";

/** 32 bytes, base64: what `openssl rand -base64 32` prints. */
export const TEST_SECRETS_KEY = "q0lHJbmW0Vd9H4S3y3xP3l2bq2oC8v1I0m1nDkO9R2E=";
export const OTHER_SECRETS_KEY = "Zm9yIHJvdGF0aW9uIHRlc3RzIG9ubHkgLSAzMiBieXQ=";

export function useSecretsKey(key = TEST_SECRETS_KEY, previous: string[] = []) {
  vi.stubEnv("PARLEY_SECRETS_KEY", key);
  vi.stubEnv("PARLEY_SECRETS_KEYS_PREVIOUS", previous.join(","));
}

async function organizationOf(t: Test, orgId: string) {
  const organization = await t.run((ctx) =>
    ctx.db
      .query("organizations")
      .withIndex("by_external_id", (q) => q.eq("externalId", orgId))
      .unique(),
  );
  if (!organization) throw new Error(`no organization ${orgId}`);
  return organization;
}

/** Put the organization on `plan` (as a Clerk subscription webhook would) and switch voice on. */
export async function enableVoice(t: Test, orgId: string, plan: "pro" | "business" = "pro") {
  const organization = await organizationOf(t, orgId);
  await t.run(async (ctx) => {
    const subscription = await ctx.db
      .query("subscriptions")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organization._id))
      .first();
    if (subscription) await ctx.db.patch("subscriptions", subscription._id, { plan });
    else {
      await ctx.db.insert("subscriptions", {
        organizationId: organization._id,
        plan,
        status: "active",
        updatedAt: Date.now(),
      });
    }
  });
  await asAdmin(t, orgId).mutation(api.private.widgetSettings.update, { voiceEnabled: true });
  return organization;
}

export type SeededVapi = {
  publicKey: string;
  privateKey: string;
  assistantId?: string;
  phoneNumber?: { id: string; number: string };
  serverSecret?: string;
};

/** Store a Vapi connection for the organization directly (keys sealed as `connect` seals them). */
export async function seedVapi(t: Test, orgId: string, vapi: SeededVapi) {
  const organization = await organizationOf(t, orgId);
  const sealed = await seal(vapi.privateKey, vapiSecretContext(organization._id));
  const serverSecretHash = vapi.serverSecret
    ? Array.from(
        new Uint8Array(
          await crypto.subtle.digest("SHA-256", new TextEncoder().encode(vapi.serverSecret)),
        ),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("")
    : undefined;
  await t.run(async (ctx) => {
    await ctx.db.insert("plugins", {
      organizationId: organization._id,
      service: "vapi",
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretKeyId: sealed.keyId,
      publicConfig: { publicKey: vapi.publicKey },
      updatedAt: Date.now(),
    });
    await ctx.db.insert("vapiSettings", {
      organizationId: organization._id,
      ...(vapi.assistantId
        ? { assistantMode: "managed" as const, assistantId: vapi.assistantId }
        : {}),
      ...(vapi.phoneNumber
        ? { phoneNumberId: vapi.phoneNumber.id, phoneNumber: vapi.phoneNumber.number }
        : {}),
      ...(serverSecretHash ? { serverSecretHash, credentialId: "cred_seeded" } : {}),
      updatedAt: Date.now(),
    });
  });
  return organization;
}
