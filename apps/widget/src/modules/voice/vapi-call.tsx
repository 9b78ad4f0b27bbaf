import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import type Vapi from "@vapi-ai/web";
import { useMutation } from "convex/react";
import { useEffect, useReducer, useRef, useState } from "react";

import type { ActiveSession } from "../session/use-visitor-session";
import { describeError } from "../widget/describe-error";
import type { Screen } from "../widget/widget-shell";
import { callReducer, initialCallState, microphoneError } from "./call-state";
import { CallEntry, CallView } from "./call-view";
import { vapiCallError, vapiMessageEvent } from "./vapi-events";

export type VapiWebConfig = { publicKey: string; assistantId: string; apiBaseUrl: string };

/**
 * The Vapi SDK (with Daily, ~80 KB gzipped), fetched only when the visitor
 * presses "Start call": its own chunk (named so the size bench and the
 * browser tests can tell it apart), never part of the chat's first load.
 */
const loadVapi = () =>
  import(/* webpackChunkName: "vapi-web" */ "@vapi-ai/web").then((module) => module.default);

/**
 * A voice call through Vapi, for organizations that connected it: Vapi hears
 * and speaks, and its assistant answers with Parley's agent (or the
 * organization's own assistant); the call is still a `voice` conversation of
 * this visitor, so its transcript lands in the inbox and in the visitor's
 * conversation list. The SDK's events drive the shared call state.
 */
export function VapiCall({
  settings,
  session,
  navigate,
  vapi: config,
  phoneNumber,
}: {
  settings: PublicWidgetSettings;
  session: ActiveSession;
  navigate: (screen: Screen) => void;
  vapi: VapiWebConfig;
  phoneNumber: string | null;
}) {
  const create = useMutation(api.public.conversations.create);
  const attachCall = useMutation(api.public.voice.attachCall);
  const [state, dispatch] = useReducer(callReducer, initialCallState);
  const [agentLevel, setAgentLevel] = useState(0);
  const [visitorLevel, setVisitorLevel] = useState(0);
  const [conversationId, setConversationId] = useState<Id<"conversations"> | null>(null);
  const client = useRef<Vapi | null>(null);
  const { sessionToken } = session;

  const hangUp = () => {
    const vapi = client.current;
    client.current = null;
    void vapi?.stop();
  };
  // Hang up when the screen goes away (back button, closing the widget).
  useEffect(() => () => hangUp(), []);

  // The call ended (the agent hung up, or the visitor did): on to its transcript.
  useEffect(() => {
    if (state.status === "ended" && conversationId) navigate({ name: "chat", conversationId });
  }, [state.status, conversationId, navigate]);

  const start = async () => {
    hangUp();
    dispatch({ type: "start" });
    // The browser asks for the microphone here (the entry screen said why), before a call
    // is placed: a refusal is then clearly the visitor's, and costs no Vapi call.
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      stream.getTracks().forEach((track) => track.stop());
    } catch (caught) {
      dispatch({ type: "failed", error: microphoneError((caught as { name?: string }).name) });
      return;
    }

    let conversation: Id<"conversations">;
    let Client: typeof Vapi;
    try {
      [conversation, Client] = await Promise.all([
        // Trying again after a refusal keeps the conversation the first attempt opened.
        conversationId ??
          create({ sessionToken, channel: "voice" }).then((id) => {
            setConversationId(id);
            return id;
          }),
        // A chunk that cannot be fetched is the network's fault.
        loadVapi().catch((error: unknown) => {
          throw Object.assign(new Error("network"), { cause: error, chunk: true });
        }),
      ]);
    } catch (caught) {
      dispatch({
        type: "failed",
        error:
          (caught as { chunk?: boolean }).chunk === true
            ? { kind: "network" }
            : { kind: "unknown", message: describeError(caught).message },
      });
      return;
    }
    session.touch();

    const vapi = new Client(config.publicKey, config.apiBaseUrl);
    client.current = vapi;
    vapi.on("call-start", () => dispatch({ type: "connected" }));
    vapi.on("call-end", () => dispatch({ type: "ended" }));
    vapi.on("speech-start", () => dispatch({ type: "agent-speech-start" }));
    vapi.on("speech-end", () => dispatch({ type: "agent-speech-end" }));
    vapi.on("volume-level", setAgentLevel);
    vapi.on("local-volume-level", setVisitorLevel);
    vapi.on("message", (message: unknown) => {
      const event = vapiMessageEvent(message);
      if (event) dispatch(event);
    });
    vapi.on("error", (event: unknown) => {
      const error = vapiCallError(event);
      if (!error) return;
      dispatch({ type: "failed", error });
      if (client.current === vapi) hangUp();
    });

    // `start(assistant, assistantOverrides)`: the metadata travels with the call to Parley's
    // server-message route, which files the call under this conversation.
    const call = await vapi.start(config.assistantId, {
      metadata: { parleyConversationId: conversation },
    });
    // null: Vapi refused the call; the `error` event above has said why.
    if (!call) return;
    if (client.current !== vapi) {
      void vapi.stop(); // the visitor left while the call was being placed
      return;
    }
    try {
      await attachCall({ sessionToken, conversationId: conversation, callId: call.id });
    } catch (caught) {
      console.warn("[Parley] the call could not be linked to its conversation", caught);
    }
  };

  const toggleMute = () => {
    const vapi = client.current;
    if (!vapi) return;
    const muted = !state.muted;
    vapi.setMuted(muted);
    dispatch({ type: "mute", muted });
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

  return (
    <CallView
      state={state}
      agentName={settings.agentName}
      meter={
        state.status === "speaking"
          ? { label: `${settings.agentName} speaking`, level: agentLevel }
          : state.status === "listening"
            ? { label: "Your microphone", level: visitorLevel }
            : null
      }
      transcript={state.transcript.map((line, index) => (
        <p
          key={index}
          data-role={line.role === "visitor" ? "visitor" : "ai"}
          className={`max-w-[85%] rounded-2xl px-3 py-2 text-sm ${
            line.role === "visitor"
              ? "self-end rounded-br-sm bg-primary text-primary-foreground"
              : "self-start rounded-bl-sm bg-muted"
          } ${line.final ? "" : "opacity-70"}`}
        >
          {line.text}
        </p>
      ))}
      onMute={toggleMute}
      onEnd={toChat}
      onRetry={() => void start()}
      onChat={toChat}
    />
  );
}
