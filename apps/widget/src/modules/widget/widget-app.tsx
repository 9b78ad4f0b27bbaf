import { useState, type ReactNode } from "react";

import { env } from "~/env";

import { HostBridgeProvider } from "../host/host-bridge";
import { ClientOnly } from "./client-only";
import { ErrorNotice, LoadingState, ScreenErrorBoundary } from "./states";
import { WidgetFrame } from "./widget-frame";
import { WidgetShell } from "./widget-shell";

/**
 * The widget visitors see in the loader's iframe, for one organization.
 * Everything below needs the browser (localStorage, the frame's origin, the
 * page's URL), so the server renders only the loading frame.
 */
export function WidgetApp() {
  return (
    <ClientOnly
      fallback={
        <StaticFrame>
          <LoadingState label="Loading chat…" />
        </StaticFrame>
      }
    >
      <Widget />
    </ClientOnly>
  );
}

/**
 * The loader opens the page with `?organizationId=…&hostOrigin=…` (the host
 * page's origin, which the widget verifies before trusting it).
 */
function Widget() {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const organizationId = params.get("organizationId") ?? undefined;
  return (
    <HostBridgeProvider claimedHostOrigin={params.get("hostOrigin") ?? undefined}>
      {organizationId === undefined ? (
        <Unavailable>
          This chat was opened without an organization. Check the{" "}
          <code className="font-mono">data-organization-id</code> on the Parley script tag.
        </Unavailable>
      ) : env.NEXT_PUBLIC_CONVEX_URL === undefined ? (
        <Unavailable>
          Chat is not available yet: no backend is configured for this widget.
        </Unavailable>
      ) : (
        <ScreenErrorBoundary
          wrap={(content) => (
            <WidgetFrame header={{ title: "Support", subtitle: "Chat unavailable" }}>
              {content}
            </WidgetFrame>
          )}
        >
          <WidgetShell organizationId={organizationId} />
        </ScreenErrorBoundary>
      )}
    </HostBridgeProvider>
  );
}

function Unavailable({ children }: { children: ReactNode }) {
  return (
    <WidgetFrame header={{ title: "Support", subtitle: "Offline" }}>
      <main className="flex flex-1 flex-col gap-3 p-4">
        <ErrorNotice>{children}</ErrorNotice>
      </main>
    </WidgetFrame>
  );
}

/** The frame without the host bridge, for the server render. */
function StaticFrame({ children }: { children: ReactNode }) {
  return (
    <div className="flex h-dvh flex-col bg-background">
      <header className="flex items-center gap-3 bg-primary px-3 py-3 text-primary-foreground">
        <h1 className="text-sm font-semibold">Support</h1>
      </header>
      {children}
    </div>
  );
}
