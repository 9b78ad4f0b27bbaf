import { describe, expect, test } from "vitest";

import { nextSpeech, recognitionError, speakable } from "./speech";

describe("browser speech helpers", () => {
  test("a streaming answer is spoken sentence by sentence, the rest once complete", () => {
    expect(nextSpeech("Refunds take five", 0, false)).toEqual({ text: "", until: 0 });
    const first = nextSpeech("Refunds take five days. They go back", 0, false);
    expect(first).toEqual({ text: "Refunds take five days.", until: 23 });
    expect(
      nextSpeech("Refunds take five days. They go back to your card", first.until, true),
    ).toEqual({
      text: " They go back to your card",
      until: 49,
    });
  });

  test("markdown is read as words, not symbols", () => {
    expect(speakable("**Refunds** take [5 days](https://x.test).\n- one\n- two `code`")).toBe(
      "Refunds take 5 days. one two code",
    );
  });

  test("a denied microphone is explained; silence is not an error", () => {
    expect(recognitionError("not-allowed")).toEqual({ kind: "microphone-denied" });
    expect(recognitionError("audio-capture")).toEqual({ kind: "microphone-missing" });
    expect(recognitionError("network")?.message).toMatch(/needs a network connection/);
    expect(recognitionError("no-speech")).toBeNull();
    expect(recognitionError("aborted")).toBeNull();
  });
});
