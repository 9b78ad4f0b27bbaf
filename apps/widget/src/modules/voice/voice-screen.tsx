import type { PublicWidgetSettings } from "@parley/backend/validators";

import { EmptyState } from "../widget/states";

/**
 * The voice call screen. It is loaded on demand (see widget-shell.tsx), so
 * the voice SDK it will use never weighs on the chat. Calls arrive with the
 * voice feature; until then the screen says so.
 */
export function VoiceScreen({ settings }: { settings: PublicWidgetSettings }) {
  return (
    <EmptyState title="Voice calls are coming soon">
      <p className="text-sm text-muted-foreground">
        {settings.agentName} can&apos;t take calls in this version yet. Please use the chat.
      </p>
    </EmptyState>
  );
}
