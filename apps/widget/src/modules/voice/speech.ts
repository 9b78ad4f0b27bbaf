/**
 * The browser's own speech, for voice calls without Vapi: the Web Speech
 * API's recognition (Chrome, Edge, Safari) hears the visitor, and
 * `speechSynthesis` speaks the agent's answers. Only the few members Parley
 * uses are typed here; browsers without recognition get `null`.
 */
import type { CallError } from "./call-state";

export type RecognitionResult = { isFinal: boolean; 0: { transcript: string } };

export type Recognition = {
  lang: string;
  continuous: boolean;
  interimResults: boolean;
  start(): void;
  stop(): void;
  abort(): void;
  onresult:
    ((event: { resultIndex: number; results: ArrayLike<RecognitionResult> }) => void) | null;
  onerror: ((event: { error: string }) => void) | null;
  onend: (() => void) | null;
};

type RecognitionConstructor = new () => Recognition;

/** The browser's speech recognition, or null where it has none (e.g. Firefox). */
export function speechRecognition(): RecognitionConstructor | null {
  if (typeof window === "undefined") return null;
  const scope = window as unknown as {
    SpeechRecognition?: RecognitionConstructor;
    webkitSpeechRecognition?: RecognitionConstructor;
  };
  return scope.SpeechRecognition ?? scope.webkitSpeechRecognition ?? null;
}

/** What a recognition error means for the call, or null when the call just goes on. */
export function recognitionError(error: string): CallError | null {
  switch (error) {
    case "not-allowed":
    case "service-not-allowed":
      return { kind: "microphone-denied" };
    case "audio-capture":
      return { kind: "microphone-missing" };
    case "network":
      return {
        kind: "network",
        message:
          "Your browser's speech recognition needs a network connection right now. Please chat instead.",
      };
    case "language-not-supported":
      return {
        kind: "unknown",
        message: "Your browser cannot recognise speech in this language. Please chat instead.",
      };
    default:
      return null; // no-speech, aborted: keep listening
  }
}

/** Markdown as it should be spoken: no link targets, emphasis marks, code fences or bullets. */
export function speakable(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|[-*+]|\d+\.)\s+/gm, "")
    .replace(/[*_`~>#]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The part of a streaming answer that is ready to speak: whole sentences
 * after `from`, or everything left once the answer is complete. Returns the
 * text and the new offset.
 */
export function nextSpeech(body: string, from: number, complete: boolean) {
  if (complete) return { text: body.slice(from), until: body.length };
  const rest = body.slice(from);
  let end = -1;
  for (const match of rest.matchAll(/[.!?…](?=\s)|\n\n/g)) end = match.index + match[0].length;
  return end === -1 ? { text: "", until: from } : { text: rest.slice(0, end), until: from + end };
}
