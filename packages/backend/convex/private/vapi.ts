import { v } from "convex/values";

import { internal } from "../_generated/api";
import { audit } from "../lib/audit";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { orgAction, orgMutation, orgQuery } from "../lib/functions";
import { seal } from "../lib/secrets";
import { LIMITS, vVapiAssistantMode, vVapiVoice } from "../lib/validators";
import { callVapi, vapiClient } from "../lib/vapiApi";
import {
  publicKeyOf,
  vapiPluginOf,
  vapiSecretContext,
  vapiSettingsOf,
  voiceAllowed,
} from "../lib/voice";

/** The dashboard's view of the Vapi connection: never the private key, only the public key's end. */
const vVapiStatus = v.object({
  connected: v.boolean(),
  /** The public key's last characters, to tell keys apart. */
  publicKeyHint: v.union(v.string(), v.null()),
  connectedAt: v.union(v.number(), v.null()),
  /** Admins change the connection; operators only see it. */
  canManage: v.boolean(),
  /** Voice switched on in the widget settings and included in the plan. */
  voiceAllowed: v.boolean(),
  /** Whether Parley knows its own public URL, which a managed assistant needs. */
  serverUrlKnown: v.boolean(),
  assistant: v.union(
    v.object({
      mode: vVapiAssistantMode,
      assistantId: v.string(),
      name: v.union(v.string(), v.null()),
      voice: v.union(vVapiVoice, v.null()),
      firstMessage: v.union(v.string(), v.null()),
      language: v.union(v.string(), v.null()),
    }),
    v.null(),
  ),
  phoneNumber: v.union(v.object({ id: v.string(), number: v.string() }), v.null()),
});

/** How Vapi is connected, for the Voice page. */
export const get = orgQuery({
  args: {},
  returns: vVapiStatus,
  handler: async (ctx) => {
    const plugin = await vapiPluginOf(ctx, ctx.organizationId);
    const settings = plugin ? await vapiSettingsOf(ctx, ctx.organizationId) : null;
    const publicKey = plugin && publicKeyOf(plugin);
    return {
      connected: plugin !== null,
      publicKeyHint: publicKey ? `…${publicKey.slice(-4)}` : null,
      connectedAt: plugin?.updatedAt ?? null,
      canManage: ctx.role === "admin",
      voiceAllowed: await voiceAllowed(ctx, ctx.organizationId),
      serverUrlKnown: env.publicSiteUrl() !== null,
      assistant:
        settings?.assistantMode && settings.assistantId
          ? {
              mode: settings.assistantMode,
              assistantId: settings.assistantId,
              name: settings.assistantName ?? null,
              voice: settings.voice ?? null,
              firstMessage: settings.firstMessage ?? null,
              language: settings.language ?? null,
            }
          : null,
      phoneNumber:
        settings?.phoneNumberId && settings.phoneNumber
          ? { id: settings.phoneNumberId, number: settings.phoneNumber }
          : null,
    };
  },
});

/** A key as pasted: trimmed, one token, bounded. */
function cleanKey(key: string, which: string): string {
  const trimmed = key.trim();
  if (!trimmed) throw appError("INVALID_INPUT", `Please paste your Vapi ${which} key.`);
  if (/\s/.test(trimmed)) {
    throw appError("INVALID_INPUT", `The Vapi ${which} key cannot contain spaces.`);
  }
  return trimmed;
}

/**
 * Connect the organization's Vapi account. The private key is checked with a
 * real call to Vapi (listing assistants) before anything is stored, then
 * stored encrypted (`lib/secrets.ts`); it is never returned by any function.
 */
export const connect = orgAction({
  role: "admin",
  args: { publicKey: v.string(), privateKey: v.string() },
  limits: { publicKey: LIMITS.vapiKey, privateKey: LIMITS.vapiKey },
  returns: v.null(),
  handler: async (ctx, args) => {
    const publicKey = cleanKey(args.publicKey, "public");
    const privateKey = cleanKey(args.privateKey, "private");
    if (publicKey === privateKey) {
      throw appError(
        "INVALID_INPUT",
        "The public and private keys are the same. Vapi gives you two different keys: paste each in its own field.",
      );
    }
    await callVapi(() => vapiClient(privateKey).assistants.list({ limit: 1 }));
    const sealed = await seal(privateKey, vapiSecretContext(ctx.organizationId));
    await ctx.runMutation(internal.system.vapi.saveKeys, {
      organizationId: ctx.organizationId,
      userId: ctx.userId,
      publicKey,
      sealed,
    });
    return null;
  },
});

/** Forget the organization's Vapi keys and call settings; voice falls back to browser speech. */
export const disconnect = orgMutation({
  role: "admin",
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const plugin = await vapiPluginOf(ctx, ctx.organizationId);
    const settings = await vapiSettingsOf(ctx, ctx.organizationId);
    if (plugin) await ctx.db.delete("plugins", plugin._id);
    if (settings) await ctx.db.delete("vapiSettings", settings._id);
    if (plugin || settings) {
      await audit(ctx, {
        organizationId: ctx.organizationId,
        actor: { type: "user", userId: ctx.user._id },
        action: "vapi.disconnected",
      });
    }
    return null;
  },
});
