import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import { useQuery } from "convex/react";
import { lazy, Suspense, useEffect, useState } from "react";

import { ChatScreen } from "../chat/chat-screen";
import { ConversationsScreen } from "../conversations/conversations-screen";
import { HomeScreen } from "../home/home-screen";
import { useHost } from "../host/host-bridge";
import { PreChatScreen } from "../session/pre-chat-screen";
import { useVisitorSession } from "../session/use-visitor-session";
import { ErrorNotice, LoadingState, ScreenErrorBoundary } from "./states";
import { themeStyle } from "./theme";
import { WidgetFrame } from "./widget-frame";

// Voice loads only when a visitor starts a call, so nothing of it weighs on the chat.
const VoiceScreen = lazy(() =>
  import("../voice/voice-screen").then((module) => ({ default: module.VoiceScreen })),
);

export type Screen =
  | { name: "home" }
  | { name: "conversations" }
  | { name: "chat"; conversationId: Id<"conversations"> }
  | { name: "voice" };

/** Loads the organization's public settings, then shows the screen the visitor is on. */
export function WidgetShell({ organizationId }: { organizationId: string }) {
  const host = useHost();
  const settings = useQuery(api.public.widgetSettings.getByOrganization, {
    organizationId,
    hostOrigin: host.hostOrigin,
  });

  const { announceSettings } = host;
  const color = settings?.primaryColor;
  const position = settings?.position;
  useEffect(() => {
    if (color && position) announceSettings(color, position);
  }, [announceSettings, color, position]);

  if (settings === undefined) {
    return (
      <WidgetFrame header={{ title: "Support" }}>
        <LoadingState label="Loading chat…" />
      </WidgetFrame>
    );
  }
  if (!settings.embedAllowed)
    return <NotAllowed settings={settings} hostOrigin={host.hostOrigin} />;
  return <Screens organizationId={organizationId} settings={settings} />;
}

/** The page embedding the widget is not on the organization's allowed domains. */
function NotAllowed({
  settings,
  hostOrigin,
}: {
  settings: PublicWidgetSettings;
  hostOrigin: string | undefined;
}) {
  const host = hostOrigin ? new URL(hostOrigin).host : undefined;
  useEffect(() => {
    console.warn(
      `[Parley] This widget is not allowed on ${host ?? "pages outside a website"}. ` +
        "Add the domain under Widget settings → Allowed domains in the Parley dashboard.",
    );
  }, [host]);
  return (
    <WidgetFrame
      header={{ title: settings.agentName, subtitle: settings.organizationName }}
      style={themeStyle(settings.primaryColor)}
    >
      <main className="flex flex-1 flex-col gap-3 p-4">
        <ErrorNotice>
          {host ? (
            <>
              This chat is not enabled on <strong>{host}</strong>.{" "}
            </>
          ) : (
            "This chat can only be used on the organization's website. "
          )}
          {settings.organizationName} has limited its support chat to its own websites.
        </ErrorNotice>
      </main>
    </WidgetFrame>
  );
}

function Screens({
  organizationId,
  settings,
}: {
  organizationId: string;
  settings: PublicWidgetSettings;
}) {
  const session = useVisitorSession(organizationId);
  const [screen, setScreen] = useState<Screen>({ name: "home" });
  const style = themeStyle(settings.primaryColor);
  const title = settings.agentName;
  const subtitle = settings.organizationName;
  const home = () => setScreen({ name: "home" });

  if (session.status === "checking") {
    return (
      <WidgetFrame header={{ title, subtitle, logoUrl: settings.logoUrl }} style={style}>
        <LoadingState label="Loading your chats…" />
      </WidgetFrame>
    );
  }
  if (session.status === "none") {
    return (
      <WidgetFrame header={{ title, subtitle, logoUrl: settings.logoUrl }} style={style}>
        <PreChatScreen
          organizationId={organizationId}
          greeting={settings.greeting}
          preChatFields={settings.preChatFields}
          onStarted={(token) => {
            session.start(token);
            setScreen({ name: "home" });
          }}
        />
      </WidgetFrame>
    );
  }

  const onBack = screen.name === "home" ? undefined : home;
  const screenSubtitle = screen.name === "conversations" ? "Your conversations" : subtitle;
  return (
    <WidgetFrame
      header={{ title, subtitle: screenSubtitle, logoUrl: settings.logoUrl, onBack }}
      style={style}
    >
      <ScreenErrorBoundary
        key={screen.name === "chat" ? screen.conversationId : screen.name}
        onInvalidSession={session.forget}
        onBack={onBack}
      >
        {screen.name === "home" && (
          <HomeScreen settings={settings} session={session} navigate={setScreen} />
        )}
        {screen.name === "conversations" && (
          <ConversationsScreen session={session} navigate={setScreen} />
        )}
        {screen.name === "chat" && (
          <ChatScreen
            settings={settings}
            session={session}
            conversationId={screen.conversationId}
            navigate={setScreen}
          />
        )}
        {screen.name === "voice" && (
          <Suspense fallback={<LoadingState label="Preparing the call…" />}>
            <VoiceScreen settings={settings} session={session} navigate={setScreen} />
          </Suspense>
        )}
      </ScreenErrorBoundary>
    </WidgetFrame>
  );
}
