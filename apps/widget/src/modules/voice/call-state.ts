/**
 * A voice call's state, from the events of whichever engine carries it (the
 * Vapi SDK or the browser's own speech): one reducer, so both paths show the
 * same states and the rules live in one place that tests can read.
 */

export type CallStatus =
  "idle" | "connecting" | "listening" | "speaking" | "muted" | "ended" | "failed";

/** Why a call could not go on; each has its own message (see `describeCallError`). */
export type CallErrorKind =
  "microphone-denied" | "microphone-missing" | "network" | "refused" | "busy" | "unknown";

/** `detail` adds what the engine said; `message`, when set, replaces the kind's own wording. */
export type CallError = { kind: CallErrorKind; detail?: string; message?: string };

/** One line of the live transcript. A partial line is replaced by the next partial or the final. */
export type TranscriptLine = { role: "visitor" | "agent"; text: string; final: boolean };

export type CallState = {
  status: CallStatus;
  /** Muted by the visitor; the call may meanwhile be `speaking` (the agent talks on). */
  muted: boolean;
  error: CallError | null;
  transcript: TranscriptLine[];
};

export type CallEvent =
  | { type: "start" }
  | { type: "connected" }
  | { type: "agent-speech-start" }
  | { type: "agent-speech-end" }
  | { type: "mute"; muted: boolean }
  | { type: "transcript"; role: "visitor" | "agent"; text: string; final: boolean }
  | { type: "ended" }
  | { type: "failed"; error: CallError };

export const initialCallState: CallState = {
  status: "idle",
  muted: false,
  error: null,
  transcript: [],
};

const live = (status: CallStatus) =>
  status === "listening" || status === "speaking" || status === "muted";

/** The status a live call rests in when the agent is not talking. */
const resting = (muted: boolean): CallStatus => (muted ? "muted" : "listening");

/**
 * The next state. Events that arrive after the call ended or failed change
 * nothing (engines keep firing while they shut down: a last volume tick, a
 * greeting finishing, `call-end` after an error).
 */
export function callReducer(state: CallState, event: CallEvent): CallState {
  if (event.type === "start") {
    return { ...initialCallState, status: "connecting" };
  }
  if (state.status === "ended" || state.status === "failed" || state.status === "idle") {
    return state;
  }
  switch (event.type) {
    case "connected":
      return state.status === "connecting" ? { ...state, status: resting(state.muted) } : state;
    case "agent-speech-start":
      return live(state.status) ? { ...state, status: "speaking" } : state;
    case "agent-speech-end":
      return state.status === "speaking" ? { ...state, status: resting(state.muted) } : state;
    case "mute":
      return {
        ...state,
        muted: event.muted,
        status:
          state.status === "speaking" || state.status === "connecting"
            ? state.status
            : resting(event.muted),
      };
    case "transcript": {
      const { role, text, final } = event;
      return { ...state, transcript: addTranscript(state.transcript, { role, text, final }) };
    }
    case "ended":
      return { ...state, status: "ended" };
    case "failed":
      return { ...state, status: "failed", error: event.error };
  }
}

function addTranscript(lines: TranscriptLine[], line: TranscriptLine): TranscriptLine[] {
  const text = line.text.trim();
  if (!text) return lines;
  const last = lines.at(-1);
  // A newer partial, or the final, of the line being spoken replaces it.
  if (last && !last.final && last.role === line.role) {
    return [...lines.slice(0, -1), { ...line, text }];
  }
  return [...lines, { ...line, text }];
}

/** What the visitor reads when a call fails, by kind. */
export function describeCallError(error: CallError, agentName: string): string {
  if (error.message) return error.message;
  switch (error.kind) {
    case "microphone-denied":
      return "Microphone access was denied. Allow the microphone for this site to talk, or chat instead.";
    case "microphone-missing":
      return "No microphone was found. Plug one in to talk, or chat instead.";
    case "network":
      return "The call could not connect: check your connection and try again, or chat instead.";
    case "busy":
      return `All lines are busy right now. Please try again in a few minutes, or chat with ${agentName} instead.`;
    case "refused":
      return `The call could not be started${error.detail ? ` (${error.detail})` : ""}. Please chat with ${agentName} instead.`;
    case "unknown":
      return `The call stopped unexpectedly${error.detail ? ` (${error.detail})` : ""}. You can continue in chat.`;
  }
}

/** A microphone request's failure (`getUserMedia`'s DOMException name) as a call error. */
export function microphoneError(name: string | undefined): CallError {
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return { kind: "microphone-denied" };
    case "NotFoundError":
    case "OverconstrainedError":
      return { kind: "microphone-missing" };
    default:
      return { kind: "unknown", detail: name ? `microphone: ${name}` : "microphone" };
  }
}
