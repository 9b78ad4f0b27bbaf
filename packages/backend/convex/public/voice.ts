import { v } from "convex/values";

import { getVisitorConversation } from "../lib/conversations";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { visitorMutation, visitorQuery } from "../lib/functions";
import { LIMITS } from "../lib/validators";
import {
  callByVapiId,
  publicKeyOf,
  vapiPluginOf,
  vapiSettingsOf,
  voiceAllowed,
} from "../lib/voice";

const vVoiceConfig = v.object({
  provider: v.union(v.literal("browser"), v.literal("vapi")),
  vapi: v.union(
    v.object({ publicKey: v.string(), assistantId: v.string(), apiBaseUrl: v.string() }),
    v.null(),
  ),
  phoneNumber: v.union(v.string(), v.null()),
});

/**
 * How the widget places a call: through Vapi when the organization connected
 * its keys and set an assistant, else with the browser's own speech. Only
 * the public key (public by Vapi's design: the web SDK needs it) reaches the
 * visitor; the private key never leaves the backend.
 */
export const config = visitorQuery({
  args: {},
  returns: vVoiceConfig,
  handler: async (ctx) => {
    const browser = { provider: "browser" as const, vapi: null, phoneNumber: null };
    if (!(await voiceAllowed(ctx, ctx.organizationId))) return browser;
    const plugin = await vapiPluginOf(ctx, ctx.organizationId);
    const publicKey = plugin && publicKeyOf(plugin);
    if (!publicKey) return browser;
    const settings = await vapiSettingsOf(ctx, ctx.organizationId);
    const phoneNumber = settings?.phoneNumber ?? null;
    if (!settings?.assistantId) return { ...browser, phoneNumber };
    return {
      provider: "vapi" as const,
      vapi: { publicKey, assistantId: settings.assistantId, apiBaseUrl: env.vapiApiUrl() },
      phoneNumber,
    };
  },
});

/**
 * Link the Vapi call the widget just started to the visitor's voice
 * conversation, so its server messages and custom-LLM turns land there.
 * Calling it again with the same pair changes nothing.
 */
export const attachCall = visitorMutation({
  args: { conversationId: v.id("conversations"), callId: v.string() },
  limits: { callId: LIMITS.vapiId },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    if (conversation.channel !== "voice") {
      throw appError("INVALID_INPUT", "Calls can only be linked to a voice conversation.");
    }
    const callId = args.callId.trim();
    if (!callId) throw appError("INVALID_INPUT", "The call id is missing.");
    const existing = await callByVapiId(ctx, callId);
    if (existing) {
      if (existing.conversationId === conversation._id) return null;
      throw appError("CONFLICT", "This call is already linked to another conversation.");
    }
    await ctx.db.insert("voiceCalls", {
      organizationId: ctx.organizationId,
      conversationId: conversation._id,
      callId,
      status: "queued",
    });
    return null;
  },
});
