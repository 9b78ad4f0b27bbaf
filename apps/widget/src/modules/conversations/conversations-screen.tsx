import { api } from "@parley/backend/api";
import { usePaginatedQuery } from "convex/react";

import { useStartConversation } from "../chat/use-start-conversation";
import type { ActiveSession } from "../session/use-visitor-session";
import { Button } from "../widget/controls";
import { EmptyState, ErrorNotice, LoadingState } from "../widget/states";
import type { Screen } from "../widget/widget-shell";
import { STATUS_LABEL } from "./status-label";

const PAGE_SIZE = 10;

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The visitor's own conversations, most recent first, page by page. */
export function ConversationsScreen({
  session,
  navigate,
}: {
  session: ActiveSession;
  navigate: (screen: Screen) => void;
}) {
  const { results, status, loadMore } = usePaginatedQuery(
    api.public.conversations.list,
    { sessionToken: session.sessionToken },
    { initialNumItems: PAGE_SIZE },
  );
  const { start, pending, error } = useStartConversation(session, (conversationId) =>
    navigate({ name: "chat", conversationId }),
  );

  if (status === "LoadingFirstPage") return <LoadingState label="Loading your conversations…" />;

  if (results.length === 0) {
    return (
      <EmptyState title="No conversations yet">
        <p className="text-sm text-muted-foreground">Questions you ask will show up here.</p>
        {error && <ErrorNotice>{error}</ErrorNotice>}
        <Button onClick={() => start()} disabled={pending}>
          Start a new chat
        </Button>
      </EmptyState>
    );
  }

  return (
    <main className="flex flex-1 flex-col overflow-y-auto">
      <ul aria-label="Your conversations" className="divide-y">
        {results.map((conversation) => (
          <li key={conversation._id}>
            <button
              type="button"
              onClick={() => navigate({ name: "chat", conversationId: conversation._id })}
              className="flex w-full flex-col gap-1 px-4 py-3 text-left hover:bg-muted focus-visible:bg-muted focus-visible:outline-none"
            >
              <span className="flex items-center justify-between gap-2 text-xs text-muted-foreground">
                <span>
                  {conversation.channel === "voice" ? "Voice call · " : ""}
                  {timeFormat.format(conversation.lastMessageAt)}
                </span>
                <span
                  className={
                    conversation.status === "resolved"
                      ? "rounded-full bg-muted px-2 py-0.5"
                      : "rounded-full bg-primary/10 px-2 py-0.5 text-primary"
                  }
                >
                  {STATUS_LABEL[conversation.status]}
                </span>
              </span>
              <span className="line-clamp-2 text-sm">
                {conversation.lastMessagePreview ?? "New conversation"}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div className="flex flex-col gap-2 p-4">
        {status === "CanLoadMore" && (
          <Button variant="outline" onClick={() => loadMore(PAGE_SIZE)}>
            Show older conversations
          </Button>
        )}
        {status === "LoadingMore" && <LoadingState label="Loading older conversations…" />}
        {error && <ErrorNotice>{error}</ErrorNotice>}
        <Button onClick={() => start()} disabled={pending}>
          Start a new chat
        </Button>
      </div>
    </main>
  );
}
