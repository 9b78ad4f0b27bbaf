import type { PublicWidgetSettings } from "@parley/backend/validators";

import { useStartConversation } from "../chat/use-start-conversation";
import type { ActiveSession } from "../session/use-visitor-session";
import { Button } from "../widget/controls";
import { ErrorNotice } from "../widget/states";
import type { Screen } from "../widget/widget-shell";

/** Where a visitor with a session lands: the greeting, suggestions and ways to start. */
export function HomeScreen({
  settings,
  session,
  navigate,
}: {
  settings: PublicWidgetSettings;
  session: ActiveSession;
  navigate: (screen: Screen) => void;
}) {
  const { start, pending, error } = useStartConversation(session, (conversationId) =>
    navigate({ name: "chat", conversationId }),
  );

  return (
    <main className="flex flex-1 flex-col gap-4 overflow-y-auto p-4">
      <p className="max-w-[85%] self-start rounded-2xl rounded-bl-sm bg-muted px-3 py-2 text-sm">
        {settings.greeting}
      </p>

      {settings.suggestions.length > 0 && (
        <section aria-label="Suggested questions" className="flex flex-wrap gap-2">
          {settings.suggestions.map((suggestion) => (
            <button
              key={suggestion}
              type="button"
              disabled={pending}
              onClick={() => start(suggestion)}
              className="rounded-full border border-primary/40 px-3 py-1.5 text-left text-sm text-primary hover:bg-primary/10 disabled:opacity-50"
            >
              {suggestion}
            </button>
          ))}
        </section>
      )}

      {error && <ErrorNotice>{error}</ErrorNotice>}

      <div className="mt-auto flex flex-col gap-2">
        <Button onClick={() => start()} disabled={pending}>
          {pending ? "Starting…" : "Start a new chat"}
        </Button>
        {settings.voiceEnabled && (
          <Button variant="outline" onClick={() => navigate({ name: "voice" })}>
            Start a voice call
          </Button>
        )}
        <Button variant="outline" onClick={() => navigate({ name: "conversations" })}>
          Your conversations
        </Button>
        <p className="text-center text-xs text-muted-foreground">
          {session.name || session.email ? `Chatting as ${session.name ?? session.email}. ` : ""}
          <button type="button" onClick={session.forget} className="underline underline-offset-2">
            Start over
          </button>
        </p>
      </div>
    </main>
  );
}
