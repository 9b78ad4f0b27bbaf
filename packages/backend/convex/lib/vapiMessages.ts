/**
 * Vapi's server messages (https://docs.vapi.ai/server-url/events), read
 * into the few fields Parley keeps. Vapi posts `{ message: { type, call,
 * … } }`; anything this file does not recognise is ignored (answered 200),
 * since Vapi adds message types over time.
 *
 * Field names follow Vapi's documented payloads; where Vapi has moved a
 * field (the end-of-call report's transcript, summary and recording URL now
 * also sit under `artifact` / `analysis`), both places are read.
 */
import { parseCallStatus } from "./voice";
import type { VoiceCallStatus } from "./validators";

export type ServerMessage =
  | { type: "status-update"; callId: string; status: VoiceCallStatus; endedReason?: string }
  | { type: "transcript"; callId: string; role: "user" | "assistant"; transcript: string }
  | {
      type: "end-of-call-report";
      callId: string;
      endedReason?: string;
      summary?: string;
      transcript?: string;
      durationSeconds?: number;
      cost?: number;
      recordingUrl?: string;
    }
  | { type: "hang"; callId: string };

type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
const text = (value: unknown, max = 20_000): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.slice(0, max) : undefined;
const number = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

/** Only http(s) links are kept, so the inbox never renders a `javascript:` recording link. */
function link(value: unknown): string | undefined {
  const candidate = text(value, 2_048);
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** The message Parley acts on, or null for one it ignores (or that is malformed). */
export function parseServerMessage(body: unknown): ServerMessage | null {
  const message = object(object(body)?.message);
  if (!message) return null;
  const callId = text(object(message.call)?.id, 100);
  if (!callId) return null;
  switch (message.type) {
    case "status-update": {
      const status = parseCallStatus(message.status);
      if (!status) return null;
      const endedReason = text(message.endedReason, 200);
      return { type: "status-update", callId, status, ...(endedReason ? { endedReason } : {}) };
    }
    case "transcript": {
      // Partial transcripts are interim guesses; only the final one of each utterance counts.
      if (message.transcriptType !== "final") return null;
      const role =
        message.role === "user" ? "user" : message.role === "assistant" ? "assistant" : null;
      const transcript = text(message.transcript, 4_000)?.trim();
      if (!role || !transcript) return null;
      return { type: "transcript", callId, role, transcript };
    }
    case "end-of-call-report": {
      const artifact = object(message.artifact);
      const analysis = object(message.analysis);
      const recording = object(artifact?.recording);
      const durationMs = number(message.durationMs);
      const report = {
        endedReason: text(message.endedReason, 200),
        summary: text(analysis?.summary, 4_000) ?? text(message.summary, 4_000),
        transcript: text(artifact?.transcript) ?? text(message.transcript),
        durationSeconds:
          number(message.durationSeconds) ??
          (durationMs !== undefined ? durationMs / 1000 : undefined),
        cost: number(message.cost),
        recordingUrl:
          link(message.recordingUrl) ??
          link(artifact?.recordingUrl) ??
          link(object(recording?.mono)?.combinedUrl),
      };
      return {
        type: "end-of-call-report",
        callId,
        ...Object.fromEntries(Object.entries(report).filter(([, value]) => value !== undefined)),
      };
    }
    case "hang":
      return { type: "hang", callId };
    default:
      return null;
  }
}

/**
 * What makes a delivery the same as an earlier one: the call, the type and,
 * for a status or an utterance, what it says. Vapi's messages carry no id.
 */
export function idempotencyKey(message: ServerMessage, digest: string | null): string {
  switch (message.type) {
    case "status-update":
      return `${message.callId}:status-update:${message.status}`;
    case "transcript":
      return `${message.callId}:transcript:${message.role}:${digest}`;
    default:
      return `${message.callId}:${message.type}`;
  }
}
