import { api } from "@parley/backend/api";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import { useQuery } from "convex/react";

import type { ActiveSession } from "../session/use-visitor-session";
import { Button } from "../widget/controls";
import { EmptyState, LoadingState } from "../widget/states";
import type { Screen } from "../widget/widget-shell";
import { BrowserCall } from "./browser-call";
import { PhoneContact } from "./phone-contact";
import { speechRecognition } from "./speech";
import { VapiCall } from "./vapi-call";

/**
 * The voice screen: a call through Vapi when the organization connected it,
 * else through the browser's own speech. This screen is its own chunk (see
 * widget-shell.tsx), and the Vapi SDK a further one, fetched only when a call
 * starts: nothing of voice loads with the chat.
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
  const config = useQuery(api.public.voice.config, { sessionToken: session.sessionToken });
  if (config === undefined) return <LoadingState label="Preparing the call…" />;

  if (config.provider === "vapi" && config.vapi) {
    return (
      <VapiCall
        settings={settings}
        session={session}
        navigate={navigate}
        vapi={config.vapi}
        phoneNumber={config.phoneNumber}
      />
    );
  }

  const Recognition = speechRecognition();
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
        {config.phoneNumber && (
          <div className="mt-3">
            <PhoneContact phoneNumber={config.phoneNumber} />
          </div>
        )}
      </EmptyState>
    );
  }
  return (
    <BrowserCall
      settings={settings}
      session={session}
      navigate={navigate}
      Recognition={Recognition}
      phoneNumber={config.phoneNumber}
    />
  );
}
