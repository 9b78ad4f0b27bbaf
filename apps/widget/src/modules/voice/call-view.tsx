import type { ReactNode } from "react";

import { Button } from "../widget/controls";
import { ErrorNotice } from "../widget/states";
import { describeCallError, type CallState, type CallStatus } from "./call-state";
import { LevelMeter } from "./level-meter";
import { PhoneContact } from "./phone-contact";

const STATUS_LABEL: Record<CallStatus, string> = {
  idle: "Ready",
  connecting: "Connecting…",
  listening: "Listening…",
  speaking: "Speaking…",
  muted: "Muted",
  ended: "Call ended",
  failed: "Call ended",
};

/**
 * Before a call: why the microphone is needed (said before the browser asks
 * for it), the phone number when the organization has one, and the way to
 * chat instead.
 */
export function CallEntry({
  agentName,
  phoneNumber,
  onStart,
  onChat,
}: {
  agentName: string;
  phoneNumber: string | null;
  onStart: () => void;
  onChat: () => void;
}) {
  return (
    <section aria-label="Voice call" className="flex flex-1 flex-col justify-center gap-3 p-6">
      <p className="text-center text-sm">
        Talk with {agentName}: your browser will ask to use the microphone, so that {agentName} can
        hear your questions. Answers are spoken aloud and written here.
      </p>
      <Button onClick={onStart}>Start call</Button>
      <Button variant="outline" onClick={onChat}>
        Chat instead
      </Button>
      {phoneNumber && <PhoneContact phoneNumber={phoneNumber} />}
    </section>
  );
}

/**
 * A call under way, or its failure: the state, a level meter (the visitor's
 * microphone while listening, the agent's voice while it speaks), the live
 * transcript, mute and end; a failure says why and leads back to chat.
 */
export function CallView({
  state,
  agentName,
  meter,
  transcript,
  onMute,
  onEnd,
  onRetry,
  onChat,
}: {
  state: CallState;
  agentName: string;
  /** The meter to show, if any, for the current state. */
  meter: { label: string; level: number; animated?: boolean } | null;
  transcript: ReactNode;
  onMute: () => void;
  onEnd: () => void;
  /** Offered when the call failed before it began. */
  onRetry?: () => void;
  /** Back to chat: the call's own conversation when it has one. */
  onChat: () => void;
}) {
  const { status, error } = state;
  const over = status === "failed" || status === "ended";
  return (
    <section aria-label="Voice call" className="flex flex-1 flex-col overflow-hidden">
      <div className="flex flex-col items-center gap-1 border-b py-2">
        <p
          role="status"
          data-testid="call-state"
          data-state={status}
          className="text-sm font-medium"
        >
          {STATUS_LABEL[status]}
        </p>
        {meter && !over && <LevelMeter {...meter} />}
      </div>
      <div data-testid="call-transcript" className="flex flex-1 flex-col gap-2 overflow-y-auto p-3">
        {status === "connecting" && (
          <p className="text-center text-sm text-muted-foreground">
            Connecting you to {agentName}…
          </p>
        )}
        {transcript}
      </div>
      {error && (
        <div className="px-3">
          <ErrorNotice>{describeCallError(error, agentName)}</ErrorNotice>
        </div>
      )}
      <div className="flex gap-2 border-t p-3">
        {over ? (
          <>
            {onRetry && (
              <Button variant="outline" className="flex-1" onClick={onRetry}>
                Try again
              </Button>
            )}
            <Button className="flex-1" onClick={onChat}>
              Continue in chat
            </Button>
          </>
        ) : (
          <>
            <Button
              variant="outline"
              className="flex-1"
              onClick={onMute}
              disabled={status === "connecting"}
            >
              {state.muted ? "Unmute" : "Mute"}
            </Button>
            <Button className="flex-1" onClick={onEnd}>
              End call
            </Button>
          </>
        )}
      </div>
    </section>
  );
}
