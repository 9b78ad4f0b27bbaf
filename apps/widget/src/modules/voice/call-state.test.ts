import { describe, expect, test } from "vitest";

import {
  callReducer,
  describeCallError,
  initialCallState,
  microphoneError,
  type CallEvent,
  type CallState,
} from "./call-state";
import { loudness } from "./level-meter";
import { telHref } from "./phone-contact";
import { vapiCallError, vapiMessageEvent } from "./vapi-events";

const run = (events: CallEvent[], from: CallState = initialCallState) =>
  events.reduce(callReducer, from);

describe("call state", () => {
  test("a call connects, the agent speaks and stops, the visitor mutes and unmutes, it ends", () => {
    let state = run([{ type: "start" }]);
    expect(state.status).toBe("connecting");
    state = run([{ type: "connected" }], state);
    expect(state.status).toBe("listening");
    state = run([{ type: "agent-speech-start" }], state);
    expect(state.status).toBe("speaking");
    state = run([{ type: "agent-speech-end" }], state);
    expect(state.status).toBe("listening");
    state = run([{ type: "mute", muted: true }], state);
    expect(state).toMatchObject({ status: "muted", muted: true });
    // The agent may still talk while the visitor is muted, and the call stays muted after.
    state = run([{ type: "agent-speech-start" }, { type: "agent-speech-end" }], state);
    expect(state).toMatchObject({ status: "muted", muted: true });
    state = run([{ type: "mute", muted: false }], state);
    expect(state).toMatchObject({ status: "listening", muted: false });
    state = run([{ type: "ended" }], state);
    expect(state.status).toBe("ended");
  });

  test("muting while connecting is remembered once the call connects", () => {
    const state = run([{ type: "start" }, { type: "mute", muted: true }, { type: "connected" }]);
    expect(state).toMatchObject({ status: "muted", muted: true });
  });

  test("nothing revives a failed or ended call; a new start resets it", () => {
    const failed = run([
      { type: "start" },
      { type: "failed", error: { kind: "busy" } },
      { type: "agent-speech-start" },
      { type: "connected" },
      { type: "ended" },
    ]);
    expect(failed).toMatchObject({ status: "failed", error: { kind: "busy" } });
    expect(run([{ type: "start" }], failed)).toEqual({ ...initialCallState, status: "connecting" });
    const ended = run([{ type: "start" }, { type: "connected" }, { type: "ended" }]);
    expect(run([{ type: "agent-speech-start" }], ended).status).toBe("ended");
    // Before a call starts, engine events change nothing.
    expect(run([{ type: "connected" }])).toBe(initialCallState);
  });

  test("the transcript replaces partial lines with the next partial or the final", () => {
    const state = run([
      { type: "start" },
      { type: "connected" },
      { type: "transcript", role: "visitor", text: "Where is", final: false },
      { type: "transcript", role: "visitor", text: "Where is my order", final: false },
      { type: "transcript", role: "visitor", text: "Where is my order?", final: true },
      { type: "transcript", role: "agent", text: "Let me check.", final: true },
      { type: "transcript", role: "visitor", text: "  ", final: false },
      { type: "transcript", role: "visitor", text: "Thanks", final: false },
    ]);
    expect(state.transcript).toEqual([
      { role: "visitor", text: "Where is my order?", final: true },
      { role: "agent", text: "Let me check.", final: true },
      { role: "visitor", text: "Thanks", final: false },
    ]);
  });

  test("each failure has its own message, and a message of its own wins", () => {
    const messages = (
      ["microphone-denied", "microphone-missing", "network", "refused", "busy", "unknown"] as const
    ).map((kind) => describeCallError({ kind }, "Ava"));
    expect(new Set(messages).size).toBe(messages.length);
    expect(describeCallError({ kind: "busy" }, "Ava")).toMatch(/All lines are busy/);
    expect(describeCallError({ kind: "refused", detail: "Invalid Key" }, "Ava")).toMatch(
      /could not be started \(Invalid Key\)/,
    );
    expect(describeCallError({ kind: "network", message: "Offline." }, "Ava")).toBe("Offline.");
  });

  test("a microphone request's failure names what went wrong", () => {
    expect(microphoneError("NotAllowedError")).toEqual({ kind: "microphone-denied" });
    expect(microphoneError("NotFoundError")).toEqual({ kind: "microphone-missing" });
    expect(microphoneError("NotReadableError")).toMatchObject({ kind: "unknown" });
  });
});

describe("Vapi SDK events", () => {
  // What `@vapi-ai/web` emits when POST /call/web fails: its serializeError() of the fetch
  // response, whose own fields (`data`, `error` = the JSON body) survive the spread.
  const refusal = (body: unknown) => ({
    type: "start-method-error",
    stage: "unknown",
    error: { message: body, data: null, error: body },
  });

  test("Vapi's concurrency refusal is 'all lines busy', other refusals say what Vapi said", () => {
    expect(
      vapiCallError(
        refusal({
          message: "Over Concurrency Limit.",
          error: "Bad Request",
          statusCode: 400,
          subscriptionLimits: { concurrencyBlocked: true },
        }),
      ),
    ).toEqual({ kind: "busy" });
    expect(vapiCallError(refusal({ message: "Slow down", statusCode: 429 }))).toEqual({
      kind: "busy",
    });
    expect(
      vapiCallError(
        refusal({
          message: "Couldn't Get Assistant. `assistantId` doesn't exist.",
          error: "Bad Request",
          statusCode: 400,
        }),
      ),
    ).toEqual({ kind: "refused", detail: "Couldn't Get Assistant. `assistantId` doesn't exist." });
    expect(
      vapiCallError(refusal({ message: ["a must be a string", "b is required"], statusCode: 400 })),
    ).toEqual({ kind: "refused", detail: "a must be a string; b is required" });
  });

  test("an unanswered request is a network failure; non-fatal SDK errors are ignored", () => {
    expect(
      vapiCallError({
        type: "start-method-error",
        error: { message: "Failed to fetch", name: "TypeError" },
      }),
    ).toEqual({ kind: "network" });
    expect(
      vapiCallError({
        type: "daily-call-join-error",
        error: { message: "Failed to load call object bundle" },
      }),
    ).toMatchObject({ kind: "unknown" });
    expect(vapiCallError({ type: "audio-processing-setup-error", error: {} })).toBeNull();
    expect(vapiCallError({ type: "audio-start-failed", error: {} })).toBeNull();
  });

  test("transcript messages become transcript lines; other messages are not", () => {
    expect(
      vapiMessageEvent({
        type: "transcript",
        role: "user",
        transcriptType: "partial",
        transcript: "Hel",
      }),
    ).toEqual({ type: "transcript", role: "visitor", text: "Hel", final: false });
    expect(
      vapiMessageEvent({
        type: "transcript",
        role: "assistant",
        transcriptType: "final",
        transcript: "Hello!",
      }),
    ).toEqual({ type: "transcript", role: "agent", text: "Hello!", final: true });
    expect(vapiMessageEvent({ type: "status-update", status: "ended" })).toBeNull();
    expect(vapiMessageEvent("listening")).toBeNull();
  });
});

describe("level and phone helpers", () => {
  test("silence reads 0, a loud tone reads more, and the level stays within 0–1", () => {
    expect(loudness(new Float32Array(512))).toBe(0);
    const tone = Float32Array.from({ length: 512 }, (_, i) => 0.1 * Math.sin(i / 4));
    const quiet = loudness(tone);
    expect(quiet).toBeGreaterThan(0);
    expect(quiet).toBeLessThan(1);
    expect(loudness(Float32Array.from({ length: 512 }, () => 1))).toBe(1);
    expect(loudness([])).toBe(0);
  });

  test("a phone number becomes a tel: link of its digits", () => {
    expect(telHref("+1 (415) 555-1000")).toBe("tel:+14155551000");
    expect(telHref("020 7946 0000")).toBe("tel:02079460000");
  });
});
