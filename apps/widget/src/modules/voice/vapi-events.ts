/**
 * What the Vapi web SDK's events mean for a call (`@vapi-ai/web` 2.7, read in
 * its source: vapi.ts). Pure, so it is tested without the SDK or a browser.
 *
 * How the SDK reports a call Vapi would not start: `start()` resolves to null
 * and emits `error` with `{ type: "start-method-error", error }`, where
 * `error` is the failed `POST /call/web` response run through its
 * `serializeError`: the response's own fields survive, so `error.error` is
 * Vapi's JSON error body (`{ statusCode, message, error }`). A request that
 * never got an answer is a `TypeError` ("Failed to fetch").
 */
import type { CallError, CallEvent } from "./call-state";

/** The `message` event's transcript, as Vapi sends it to the client. */
type VapiMessage = {
  type?: unknown;
  role?: unknown;
  transcriptType?: unknown;
  transcript?: unknown;
};

/** A transcript message as a call event, or null for the other messages. */
export function vapiMessageEvent(message: unknown): CallEvent | null {
  if (typeof message !== "object" || message === null) return null;
  const { type, role, transcriptType, transcript } = message as VapiMessage;
  if (type !== "transcript" || typeof transcript !== "string") return null;
  if (role !== "user" && role !== "assistant") return null;
  return {
    type: "transcript",
    role: role === "user" ? "visitor" : "agent",
    text: transcript,
    final: transcriptType === "final",
  };
}

/** SDK `error` event types that end the call; the others (audio processing, recording) do not. */
const FATAL = new Set([
  "start-method-error",
  "validation-error",
  "daily-call-object-creation-error",
  "daily-call-join-error",
  "daily-error",
]);

type Serialized = {
  message?: unknown;
  name?: unknown;
  error?: unknown;
  errorMsg?: unknown;
};

/** Vapi's error body: `message` is a string or, for validation errors, a list of them. */
function bodyOf(
  value: unknown,
): { statusCode?: number; message: string; concurrencyBlocked: boolean } | null {
  if (typeof value !== "object" || value === null) return null;
  const body = value as {
    statusCode?: unknown;
    message?: unknown;
    error?: unknown;
    subscriptionLimits?: { concurrencyBlocked?: unknown };
  };
  const message = Array.isArray(body.message)
    ? body.message.filter((part) => typeof part === "string").join("; ")
    : typeof body.message === "string"
      ? body.message
      : typeof body.error === "string"
        ? body.error
        : "";
  const statusCode = typeof body.statusCode === "number" ? body.statusCode : undefined;
  if (!message && statusCode === undefined) return null;
  return {
    statusCode,
    message,
    concurrencyBlocked: body.subscriptionLimits?.concurrencyBlocked === true,
  };
}

const BUSY = /concurren|lines? (are )?busy|too many (active |concurrent )?calls/i;

/**
 * An SDK `error` event as the reason the call failed, or null when the call
 * goes on (a non-fatal event, e.g. noise cancellation could not start).
 */
export function vapiCallError(event: unknown): CallError | null {
  if (typeof event !== "object" || event === null) return { kind: "unknown" };
  const { type, error } = event as { type?: unknown; error?: unknown };
  if (typeof type === "string" && !FATAL.has(type)) return null;
  const serialized = (typeof error === "object" && error !== null ? error : {}) as Serialized;

  const body = bodyOf(serialized.error);
  if (body) {
    // Vapi refuses a call over the account's concurrent-call lines with a 400 whose
    // `subscriptionLimits.concurrencyBlocked` is true ("Over Concurrency Limit.").
    if (body.concurrencyBlocked || body.statusCode === 429 || BUSY.test(body.message)) {
      return { kind: "busy" };
    }
    return { kind: "refused", detail: body.message || `HTTP ${body.statusCode}` };
  }
  const message =
    typeof serialized.message === "string"
      ? serialized.message
      : typeof serialized.errorMsg === "string"
        ? serialized.errorMsg
        : "";
  if (serialized.name === "TypeError" && /fetch|network|load failed/i.test(message)) {
    return { kind: "network" };
  }
  if (/permission|not ?allowed/i.test(message)) return { kind: "microphone-denied" };
  if (/network|connect|timed? ?out|offline/i.test(message)) return { kind: "network" };
  return { kind: "unknown", detail: message || undefined };
}
