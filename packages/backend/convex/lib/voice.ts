/**
 * Voice calls through Vapi: the organization's connection (keys in the
 * `plugins` row, encrypted; everything else in `vapiSettings`), whether
 * visitors may call, and the calls themselves (`voiceCalls`).
 *
 * The browser-speech path needs none of this: it is the default whenever
 * `voiceProvider` says "browser".
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { currentPlan, PLANS } from "./plans";
import type { VoiceCallStatus } from "./validators";
import { widgetSettingsOrDefaults } from "./widgetDefaults";

/** Where an organization's encrypted Vapi private key is bound (`lib/secrets.ts` context). */
export const vapiSecretContext = (organizationId: Id<"organizations">) =>
  `plugins:vapi:${organizationId}`;

/** The organization's `vapi` plugin row (its keys), or null when Vapi is not connected. */
export async function vapiPluginOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<Doc<"plugins"> | null> {
  return await ctx.db
    .query("plugins")
    .withIndex("by_organization_id_and_service", (q) =>
      q.eq("organizationId", organizationId).eq("service", "vapi"),
    )
    .unique();
}

export async function vapiSettingsOf(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<Doc<"vapiSettings"> | null> {
  return await ctx.db
    .query("vapiSettings")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .unique();
}

/** The Vapi public key stored for the organization (it is public by Vapi's design: the web SDK needs it). */
export function publicKeyOf(plugin: Doc<"plugins">): string | null {
  return plugin.publicConfig?.publicKey ?? null;
}

/** Whether the organization's visitors may call at all: voice switched on and in the plan. */
export async function voiceAllowed(ctx: QueryCtx, organizationId: Id<"organizations">) {
  const settings = await widgetSettingsOrDefaults(ctx, organizationId);
  if (!settings.voiceEnabled) return false;
  return PLANS[await currentPlan(ctx, organizationId)].features.voice;
}

const STATUS_ORDER: readonly VoiceCallStatus[] = [
  "queued",
  "ringing",
  "in-progress",
  "forwarding",
  "ended",
];

/** Vapi's call statuses in order; anything else (a status Vapi adds later) is null. */
export function parseCallStatus(status: unknown): VoiceCallStatus | null {
  return STATUS_ORDER.find((known) => known === status) ?? null;
}

/**
 * The status a call moves to when `next` arrives: messages can come out of
 * order, and a call never goes back (an "ended" call stays ended).
 */
export function laterStatus(current: VoiceCallStatus, next: VoiceCallStatus): VoiceCallStatus {
  return STATUS_ORDER.indexOf(next) > STATUS_ORDER.indexOf(current) ? next : current;
}

/** The call linked to a Vapi call id, if any. */
export async function callByVapiId(ctx: QueryCtx, callId: string) {
  return await ctx.db
    .query("voiceCalls")
    .withIndex("by_call_id", (q) => q.eq("callId", callId))
    .unique();
}
