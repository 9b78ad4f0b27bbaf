import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { useMutation } from "convex/react";
import { useState } from "react";

import type { ActiveSession } from "../session/use-visitor-session";
import { describeError } from "../widget/describe-error";
import { useSendMessage } from "./use-send-message";

/** Open a new conversation (optionally with a first message, e.g. a suggestion chip). */
export function useStartConversation(
  session: ActiveSession,
  onStarted: (conversationId: Id<"conversations">) => void,
) {
  const create = useMutation(api.public.conversations.create);
  const send = useSendMessage();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  const start = async (firstMessage?: string) => {
    setPending(true);
    setError(undefined);
    try {
      const { sessionToken } = session;
      const conversationId = await create({ sessionToken });
      if (firstMessage) await send({ sessionToken, conversationId, body: firstMessage });
      session.touch();
      onStarted(conversationId);
    } catch (caught) {
      setError(describeError(caught).message);
      setPending(false);
    }
  };

  return { start, pending, error };
}
