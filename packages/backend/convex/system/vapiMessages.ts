/**
 * Vapi's server messages, after `http.ts` authenticated them (the
 * organization's credential) and acknowledged them: applied here, in a
 * scheduled mutation, once per call id + type (+ status or utterance), so a
 * redelivery has no effect and a late status never moves a call backwards.
 */
import { v } from "convex/values";

import type { Id } from "../_generated/dataModel";
import { internalMutation, internalQuery, type MutationCtx } from "../_generated/server";
import { addEvent, addMessage } from "../lib/conversations";
import { hashToken } from "../lib/tokens";
import { recordUsage } from "../lib/usage";
import { idempotencyKey, type ServerMessage } from "../lib/vapiMessages";
import { vVoiceCallStatus } from "../lib/validators";
import { callByVapiId, laterStatus, vapiSettingsOf } from "../lib/voice";

export const vServerMessage = v.union(
  v.object({
    type: v.literal("status-update"),
    callId: v.string(),
    status: vVoiceCallStatus,
    endedReason: v.optional(v.string()),
  }),
  v.object({
    type: v.literal("transcript"),
    callId: v.string(),
    role: v.union(v.literal("user"), v.literal("assistant")),
    transcript: v.string(),
  }),
  v.object({
    type: v.literal("end-of-call-report"),
    callId: v.string(),
    endedReason: v.optional(v.string()),
    summary: v.optional(v.string()),
    transcript: v.optional(v.string()),
    durationSeconds: v.optional(v.number()),
    cost: v.optional(v.number()),
    recordingUrl: v.optional(v.string()),
  }),
  v.object({ type: v.literal("hang"), callId: v.string() }),
);

/** The organization whose Vapi credential token hashes to `secretHash`, if any. */
export const organizationForSecret = internalQuery({
  args: { secretHash: v.string() },
  returns: v.union(v.id("organizations"), v.null()),
  handler: async (ctx, { secretHash }) => {
    const settings = await ctx.db
      .query("vapiSettings")
      .withIndex("by_server_secret_hash", (q) => q.eq("serverSecretHash", secretHash))
      .unique();
    return settings?.organizationId ?? null;
  },
});

/** Apply one server message for the organization it was authenticated for. */
export const apply = internalMutation({
  args: { organizationId: v.id("organizations"), message: vServerMessage },
  returns: v.string(),
  handler: async (ctx, { organizationId, message }) => {
    const digest = message.type === "transcript" ? await hashToken(message.transcript) : null;
    const externalId = idempotencyKey(message, digest);
    const seen = await ctx.db
      .query("webhookEvents")
      .withIndex("by_source_and_external_id", (q) =>
        q.eq("source", "vapi").eq("externalId", externalId),
      )
      .unique();
    if (seen) return "duplicate";
    const outcome = await applyOnce(ctx, organizationId, message);
    await ctx.db.insert("webhookEvents", {
      source: "vapi",
      externalId,
      type: message.type,
      processedAt: Date.now(),
      outcome,
    });
    return outcome;
  },
});

async function applyOnce(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  message: ServerMessage,
): Promise<string> {
  const call = await callByVapiId(ctx.db, message.callId);
  // A call of another organization is treated as unknown: one credential never reaches another's calls.
  if (!call || call.organizationId !== organizationId) return "unknown call";
  const conversation = await ctx.db.get("conversations", call.conversationId);
  if (!conversation) return "no conversation";

  switch (message.type) {
    case "status-update": {
      const status = laterStatus(call.status, message.status);
      if (status === call.status) return "stale";
      await ctx.db.patch("voiceCalls", call._id, {
        status,
        ...(status === "ended" ? { endedAt: call.endedAt ?? Date.now() } : {}),
        ...(message.endedReason && !call.endedReason ? { endedReason: message.endedReason } : {}),
      });
      return "applied";
    }
    case "transcript": {
      // A managed assistant's turns are stored by the custom-LLM route as they happen;
      // with the organization's own assistant, Vapi's final transcripts are the record.
      const settings = await vapiSettingsOf(ctx, organizationId);
      if (settings?.assistantMode === "managed") return "managed: stored by the LLM route";
      await addMessage(ctx, conversation, {
        role: message.role === "user" ? "visitor" : "ai",
        body: message.transcript,
      });
      return "applied";
    }
    case "end-of-call-report": {
      const billedMinutes =
        message.durationSeconds !== undefined ? Math.ceil(message.durationSeconds / 60) : undefined;
      await ctx.db.patch("voiceCalls", call._id, {
        status: "ended",
        endedAt: call.endedAt ?? Date.now(),
        ...(message.endedReason ? { endedReason: message.endedReason } : {}),
        ...(message.summary ? { summary: message.summary } : {}),
        ...(message.durationSeconds !== undefined
          ? { durationSeconds: message.durationSeconds }
          : {}),
        ...(message.cost !== undefined ? { cost: message.cost } : {}),
        ...(message.recordingUrl ? { recordingUrl: message.recordingUrl } : {}),
        ...(billedMinutes !== undefined && call.billedMinutes === undefined
          ? { billedMinutes }
          : {}),
      });
      if (billedMinutes !== undefined && call.billedMinutes === undefined) {
        await recordUsage(ctx, organizationId, "voiceMinutes", billedMinutes);
      }
      const minutes =
        message.durationSeconds !== undefined
          ? ` after ${formatDuration(message.durationSeconds)}`
          : "";
      await addEvent(ctx, conversation, `Voice call ended${minutes}.`);
      return "applied";
    }
    case "hang":
      await addEvent(
        ctx,
        conversation,
        "The voice agent took too long to answer (Vapi reported a hang).",
      );
      return "applied";
  }
}

function formatDuration(seconds: number) {
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes} min ${whole % 60} s` : `${whole} s`;
}
