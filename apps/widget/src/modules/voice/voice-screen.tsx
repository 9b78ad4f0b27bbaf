import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import { useMutation, useQuery } from "convex/react";
import { useEffect, useRef, useState } from "react";

import { MessageBubble, type MessageView } from "../chat/message-bubble";
import { useSendMessage } from "../chat/use-send-message";
import { useStreamedMessages } from "../chat/use-streamed-messages";
import type { ActiveSession } from "../session/use-visitor-session";
import { Button } from "../widget/controls";
import { describeError } from "../widget/describe-error";
import { EmptyState, ErrorNotice } from "../widget/states";
import type { Screen } from "../widget/widget-shell";
import {
  describeRecognitionError,
  nextSpeech,
  speakable,
  speechRecognition,
  type Recognition,
} from "./speech";

type CallState = "idle" | "connecting" | "listening" | "speaking" | "muted" | "failed";

const STATE_LABEL: Record<CallState, string> = {
  idle: "Ready",
  connecting: "Connecting…",
  listening: "Listening…",
  speaking: "Speaking…",
  muted: "Muted",
  failed: "Call ended",
};

/** The messages of the call shown as its live transcript. */
const TRANSCRIPT_SIZE = 20;

/**
 * A voice call in the browser, with no account anywhere: the browser's speech
 * recognition hears the visitor, each finished sentence is sent as a message
 * of a `voice` conversation (so the same agent answers, from the same
 * knowledge, and the team sees the transcript live in the inbox), and each
 * answer is spoken as it streams, sentence by sentence. Speaking over the
 * agent interrupts it. This screen is its own chunk: nothing of it loads
 * before the visitor opens it.
 */
export function VoiceScreen({
  settings,
  session,
  navigate,
}: {
  settings: PublicWidgetSettings;
  session: ActiveSession;
  navigate: (screen: Screen) => void;
}) {
  const Recognition = speechRecognition();
  const create = useMutation(api.public.conversations.create);
  const send = useSendMessage();
  const [state, setState] = useState<CallState>("idle");
  const [error, setError] = useState<string>();
  const [heard, setHeard] = useState("");
  const [conversationId, setConversationId] = useState<Id<"conversations"> | null>(null);
  const recognition = useRef<Recognition | null>(null);
  const active = useRef(false);
  const muted = useRef(false);
  const { sessionToken } = session;

  const transcript = useQuery(
    api.public.messages.list,
    conversationId
      ? {
          sessionToken,
          conversationId,
          paginationOpts: { numItems: TRANSCRIPT_SIZE, cursor: null },
        }
      : "skip",
  );
  const transcriptShown = useStreamedMessages(transcript?.page, sessionToken, conversationId);
  useSpokenAnswers(transcriptShown, state !== "failed" && conversationId !== null, setState, {
    active,
    muted,
  });

  // Hang up when the screen goes away (back button, closing the widget).
  useEffect(() => () => hangUp(), []);

  function hangUp() {
    active.current = false;
    recognition.current?.abort();
    recognition.current = null;
    if (typeof speechSynthesis !== "undefined") speechSynthesis.cancel();
  }

  const fail = (message: string) => {
    hangUp();
    setError(message);
    setState("failed");
  };

  const listen = (conversation: Id<"conversations">) => {
    if (!Recognition) return;
    const recognizer = new Recognition();
    recognizer.lang = navigator.language || "en-US";
    recognizer.continuous = true;
    recognizer.interimResults = true;
    recognizer.onresult = (event) => {
      // The visitor talks over the agent: stop speaking at once.
      if (typeof speechSynthesis !== "undefined" && speechSynthesis.speaking) {
        speechSynthesis.cancel();
      }
      let interim = "";
      for (let index = event.resultIndex; index < event.results.length; index++) {
        const result = event.results[index]!;
        const text = result[0].transcript.trim();
        if (!text) continue;
        if (result.isFinal) {
          setHeard("");
          send({ sessionToken, conversationId: conversation, body: text })
            .then(() => session.touch())
            .catch((caught: unknown) => setError(describeError(caught).message));
        } else {
          interim += `${text} `;
        }
      }
      if (interim) setHeard(interim.trim());
    };
    recognizer.onerror = (event) => {
      const message = describeRecognitionError(event.error);
      if (message) fail(message);
    };
    // Browsers stop listening after a silence: listen again while the call is on.
    recognizer.onend = () => {
      if (active.current && !muted.current && recognition.current === recognizer) {
        try {
          recognizer.start();
        } catch {
          // Already started again.
        }
      }
    };
    recognition.current = recognizer;
    recognizer.start();
  };

  const start = async () => {
    setError(undefined);
    setState("connecting");
    try {
      const conversation = await create({ sessionToken, channel: "voice" });
      session.touch();
      setConversationId(conversation);
      active.current = true;
      setState("listening");
      listen(conversation);
    } catch (caught) {
      setError(describeError(caught).message);
      setState("idle");
    }
  };

  const toggleMute = () => {
    if (!conversationId) return;
    if (muted.current) {
      muted.current = false;
      setState("listening");
      listen(conversationId);
    } else {
      muted.current = true;
      recognition.current?.abort();
      recognition.current = null;
      setState("muted");
    }
  };

  const end = () => {
    hangUp();
    if (conversationId) navigate({ name: "chat", conversationId });
    else navigate({ name: "home" });
  };

  if (!Recognition) {
    return (
      <EmptyState title="Voice isn't available in this browser">
        <p className="text-sm text-muted-foreground">
          This browser cannot recognise speech. Chrome, Edge and Safari can; or chat with{" "}
          {settings.agentName} instead.
        </p>
        <Button className="mt-3" onClick={() => navigate({ name: "home" })}>
          Chat instead
        </Button>
      </EmptyState>
    );
  }

  if (state === "idle" || (state === "failed" && !conversationId)) {
    return (
      <section aria-label="Voice call" className="flex flex-1 flex-col justify-center gap-3 p-6">
        <p className="text-center text-sm">
          Talk with {settings.agentName}: your browser will ask to use the microphone, so that{" "}
          {settings.agentName} can hear your questions. Answers are spoken aloud and written here.
        </p>
        {error && <ErrorNotice>{error}</ErrorNotice>}
        <Button onClick={() => void start()}>Start call</Button>
        <Button variant="outline" onClick={() => navigate({ name: "home" })}>
          Chat instead
        </Button>
      </section>
    );
  }

  const messages = [...(transcriptShown ?? [])].reverse();
  return (
    <section aria-label="Voice call" className="flex flex-1 flex-col overflow-hidden">
      <p
        role="status"
        data-testid="call-state"
        data-state={state}
        className="flex items-center justify-center gap-2 border-b py-2 text-sm font-medium"
      >
        {(state === "listening" || state === "speaking") && (
          <span
            aria-hidden
            className={`size-2 rounded-full ${state === "speaking" ? "animate-ping bg-primary" : "animate-pulse bg-green-600"}`}
          />
        )}
        {STATE_LABEL[state]}
      </p>
      <div data-testid="call-transcript" className="flex flex-1 flex-col gap-2 overflow-y-auto p-3">
        {messages.map((message) => (
          <MessageBubble key={message._id} message={message} agentName={settings.agentName} />
        ))}
        {heard && <p className="self-end text-sm text-muted-foreground italic">{heard}…</p>}
      </div>
      {error && (
        <div className="flex flex-col gap-2 px-3">
          <ErrorNotice>{error}</ErrorNotice>
        </div>
      )}
      <div className="flex gap-2 border-t p-3">
        {state === "failed" ? (
          <Button className="flex-1" onClick={end}>
            Continue in chat
          </Button>
        ) : (
          <>
            <Button variant="outline" className="flex-1" onClick={toggleMute}>
              {state === "muted" ? "Unmute" : "Mute"}
            </Button>
            <Button className="flex-1" onClick={end}>
              End call
            </Button>
          </>
        )}
      </div>
    </section>
  );
}

/**
 * Speak the agent's answers (and the greeting) as they arrive: each message
 * from where the last utterance of it ended, whole sentences while it
 * streams, the rest once complete. Operators' replies are spoken too.
 */
function useSpokenAnswers(
  messages: MessageView[] | undefined,
  on: boolean,
  setState: (state: CallState) => void,
  call: { active: { current: boolean }; muted: { current: boolean } },
) {
  const spoken = useRef(new Map<string, number>());
  useEffect(() => {
    if (!on || !messages || typeof speechSynthesis === "undefined") return;
    for (const message of [...messages].reverse()) {
      if (message.role !== "ai" && message.role !== "operator") continue;
      const from = spoken.current.get(message._id) ?? 0;
      const { text, until } = nextSpeech(message.body, from, message.status !== "streaming");
      spoken.current.set(message._id, until);
      const words = speakable(text);
      if (!words) continue;
      const utterance = new SpeechSynthesisUtterance(words);
      utterance.lang = navigator.language || "en-US";
      // Only a call still on may change its state: a greeting that finishes after a failure
      // must not turn the failed call back into "listening".
      utterance.onstart = () => {
        if (call.active.current) setState("speaking");
      };
      utterance.onend = () => {
        if (call.active.current && !speechSynthesis.pending) {
          setState(call.muted.current ? "muted" : "listening");
        }
      };
      speechSynthesis.speak(utterance);
    }
  }, [messages, on, setState, call]);
}
