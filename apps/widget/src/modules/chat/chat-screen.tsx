import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import type { PublicWidgetSettings } from "@parley/backend/validators";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import { useState } from "react";

import { useHost } from "../host/host-bridge";
import type { ActiveSession } from "../session/use-visitor-session";
import { Button } from "../widget/controls";
import { describeError } from "../widget/describe-error";
import { ErrorNotice, LoadingState } from "../widget/states";
import type { Screen } from "../widget/widget-shell";
import { Composer } from "./composer";
import { CsatForm } from "./csat-form";
import { TypingIndicator } from "./message-bubble";
import { MessageList } from "./message-list";
import { useTypingHeartbeat } from "./use-typing-heartbeat";
import { useSendMessage } from "./use-send-message";
import { useStreamedMessages } from "./use-streamed-messages";
import { useStartConversation } from "./use-start-conversation";

const PAGE_SIZE = 30;

/**
 * One conversation, live: the agent's replies stream in, operators' replies
 * and status changes arrive as they happen. The visitor can hand over to a
 * human, and rate the conversation once the team ends it.
 */
export function ChatScreen({
  settings,
  session,
  conversationId,
  navigate,
}: {
  settings: PublicWidgetSettings;
  session: ActiveSession;
  conversationId: Id<"conversations">;
  navigate: (screen: Screen) => void;
}) {
  const { sessionToken } = session;
  const conversation = useQuery(api.public.conversations.get, { sessionToken, conversationId });
  const messages = usePaginatedQuery(
    api.public.messages.list,
    { sessionToken, conversationId },
    { initialNumItems: PAGE_SIZE },
  );
  const shown = useStreamedMessages(messages.results, sessionToken, conversationId);
  const send = useSendMessage();
  const typingTeammates = useQuery(api.public.typing.get, { sessionToken, conversationId });
  const onTyping = useTypingHeartbeat(sessionToken, conversationId);
  const escalate = useMutation(api.public.conversations.escalate);
  const host = useHost();
  const [sendError, setSendError] = useState<string>();
  const [escalating, setEscalating] = useState(false);
  const [escalateError, setEscalateError] = useState<string>();
  const next = useStartConversation(session, (id) =>
    navigate({ name: "chat", conversationId: id }),
  );

  if (conversation === undefined || messages.status === "LoadingFirstPage") {
    return <LoadingState label="Loading the conversation…" />;
  }

  const onSend = async (body: string) => {
    setSendError(undefined);
    try {
      await send({ sessionToken, conversationId, body });
      session.touch();
      return true;
    } catch (caught) {
      setSendError(describeError(caught).message);
      return false;
    }
  };

  const onEscalate = async () => {
    setEscalating(true);
    setEscalateError(undefined);
    try {
      await escalate({ sessionToken, conversationId });
    } catch (caught) {
      setEscalateError(describeError(caught).message);
    } finally {
      setEscalating(false);
    }
  };

  return (
    <>
      <MessageList
        // Newest first from the server; oldest at the top on screen.
        messages={[...(shown ?? messages.results)].reverse()}
        agentName={settings.agentName}
        canLoadMore={messages.status === "CanLoadMore"}
        loadingMore={messages.status === "LoadingMore"}
        onLoadMore={() => messages.loadMore(PAGE_SIZE)}
        onReply={host.notifyReply}
      />
      {typingTeammates && typingTeammates.length > 0 && (
        <p
          data-testid="operator-typing"
          className="flex items-center gap-2 px-4 pb-2 text-xs text-muted-foreground"
        >
          <TypingIndicator name={typingTeammates.join(", ")} />
          <span aria-hidden>{typingTeammates.join(", ")} is typing…</span>
        </p>
      )}

      {conversation.status === "unresolved" && (
        <div className="flex flex-col gap-2 border-t px-3 pt-2">
          {escalateError && <ErrorNotice>{escalateError}</ErrorNotice>}
          <Button
            variant="outline"
            size="sm"
            className="self-center"
            disabled={escalating}
            onClick={onEscalate}
          >
            {escalating ? "Connecting you…" : "Talk to a human"}
          </Button>
        </div>
      )}
      {conversation.status === "escalated" && (
        <p role="status" className="border-t px-3 pt-2 text-center text-xs text-muted-foreground">
          You&apos;re talking with our team. Replies arrive here, even if you close the chat.
        </p>
      )}

      {conversation.status === "resolved" ? (
        <section aria-label="Conversation ended" className="flex flex-col gap-3 border-t p-4">
          <p className="text-center text-sm font-medium">This conversation has ended.</p>
          <CsatForm
            sessionToken={sessionToken}
            conversationId={conversationId}
            csat={conversation.csat}
          />
          {next.error && <ErrorNotice>{next.error}</ErrorNotice>}
          <Button variant="outline" onClick={() => next.start()} disabled={next.pending}>
            Start a new chat
          </Button>
        </section>
      ) : (
        <Composer onSend={onSend} onTyping={onTyping} error={sendError} />
      )}
    </>
  );
}
