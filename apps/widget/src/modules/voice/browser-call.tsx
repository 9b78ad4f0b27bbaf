import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import { useMutation, useQuery } from "convex/react";
import { useEffect, useReducer, useRef, useState, type Dispatch } from "react";

import { MessageBubble, type MessageView } from "../chat/message-bubble";
import { useStreamedMessages } from "../chat/use-streamed-messages";
import { useSendMessage } from "../chat/use-send-message";
import type { ActiveSession } from "../session/use-visitor-session";
import { describeError } from "../widget/describe-error";
import type { Screen } from "../widget/widget-shell";
import {
  callReducer,
  initialCallState,
  microphoneError,
  type CallError,
  type CallEvent,
} from "./call-state";
import { CallEntry, CallView } from "./call-view";
import { useMicrophoneLevel } from "./level-meter";
import { nextSpeech, recognitionError, speakable, type Recognition } from "./speech";

/** The messages of the call shown as its live transcript. */
const TRANSCRIPT_SIZE = 20;

/**
 * A voice call in the browser, with no account anywhere: the browser's speech
 * recognition hears the visitor, each finished sentence is sent as a message
 * of a `voice` conversation (so the same agent answers, from the same
 * knowledge, and the team sees the transcript live in the inbox), and each
 * answer is spoken as it streams, sentence by sentence. Speaking over the
 * agent interrupts it. The microphone's own stream feeds the level meter.
 */
export function BrowserCall({
  settings,
  session,
  navigate,
  Recognition,
  phoneNumber,
}: {
  settings: PublicWidgetSettings;
  session: ActiveSession;
  navigate: (screen: Screen) => void;
  Recognition: new () => Recognition;
  phoneNumber: string | null;
}) {
  const create = useMutation(api.public.conversations.create);
  const send = useSendMessage();
  const [state, dispatch] = useReducer(callReducer, initialCallState);
  const [heard, setHeard] = useState("");
  const [sendError, setSendError] = useState<string>();
  const [conversationId, setConversationId] = useState<Id<"conversations"> | null>(null);
  const [microphone, setMicrophone] = useState<MediaStream | null>(null);
  const recognition = useRef<Recognition | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const active = useRef(false);
  const muted = useRef(false);
  const { sessionToken } = session;
  const level = useMicrophoneLevel(microphone, state.status === "listening");

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
  const live = state.status !== "failed" && state.status !== "ended";
  const transcriptShown = useStreamedMessages(transcript?.page, sessionToken, conversationId);
  useSpokenAnswers(transcriptShown, live && conversationId !== null, dispatch, active);

  // Hang up when the screen goes away (back button, closing the widget).
  useEffect(() => () => hangUp(), []);

  function hangUp() {
    active.current = false;
    recognition.current?.abort();
    recognition.current = null;
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
    setMicrophone(null);
    if (typeof speechSynthesis !== "undefined") speechSynthesis.cancel();
  }

  const fail = (error: CallError) => {
    hangUp();
    dispatch({ type: "failed", error });
  };

  const listen = (conversation: Id<"conversations">) => {
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
            .catch((caught: unknown) => setSendError(describeError(caught).message));
        } else {
          interim += `${text} `;
        }
      }
      if (interim) setHeard(interim.trim());
    };
    recognizer.onerror = (event) => {
      const error = recognitionError(event.error);
      if (error) fail(error);
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
    setSendError(undefined);
    dispatch({ type: "start" });
    // The browser asks for the microphone here; the entry screen said why.
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (caught) {
      dispatch({ type: "failed", error: microphoneError((caught as { name?: string }).name) });
      return;
    }
    setMicrophone(stream.current);
    try {
      const conversation = await create({ sessionToken, channel: "voice" });
      session.touch();
      setConversationId(conversation);
      active.current = true;
      dispatch({ type: "connected" });
      listen(conversation);
    } catch (caught) {
      fail({ kind: "unknown", message: describeError(caught).message });
    }
  };

  const toggleMute = () => {
    if (!conversationId) return;
    if (muted.current) {
      muted.current = false;
      listen(conversationId);
    } else {
      muted.current = true;
      recognition.current?.abort();
      recognition.current = null;
    }
    dispatch({ type: "mute", muted: muted.current });
  };

  const toChat = () => {
    hangUp();
    if (conversationId) navigate({ name: "chat", conversationId });
    else navigate({ name: "home" });
  };

  if (state.status === "idle") {
    return (
      <CallEntry
        agentName={settings.agentName}
        phoneNumber={phoneNumber}
        onStart={() => void start()}
        onChat={() => navigate({ name: "home" })}
      />
    );
  }

  const messages = [...(transcriptShown ?? [])].reverse();
  return (
    <CallView
      state={
        sendError && !state.error
          ? { ...state, error: { kind: "unknown", message: sendError } }
          : state
      }
      agentName={settings.agentName}
      meter={
        state.status === "speaking"
          ? { label: `${settings.agentName} speaking`, level: 1, animated: true }
          : state.status === "listening" && microphone
            ? { label: "Your microphone", level }
            : null
      }
      transcript={
        <>
          {messages.map((message) => (
            <MessageBubble key={message._id} message={message} agentName={settings.agentName} />
          ))}
          {heard && <p className="self-end text-sm text-muted-foreground italic">{heard}…</p>}
        </>
      }
      onMute={toggleMute}
      onEnd={toChat}
      onRetry={conversationId ? undefined : () => void start()}
      onChat={toChat}
    />
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
  dispatch: Dispatch<CallEvent>,
  active: { current: boolean },
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
      // Only a call still on may change its state (the reducer also ignores a finished call).
      utterance.onstart = () => {
        if (active.current) dispatch({ type: "agent-speech-start" });
      };
      // Interrupted (the visitor spoke) or done: back to listening once nothing is queued.
      utterance.onend = utterance.onerror = () => {
        if (active.current && !speechSynthesis.pending) dispatch({ type: "agent-speech-end" });
      };
      speechSynthesis.speak(utterance);
    }
  }, [messages, on, dispatch, active]);
}
