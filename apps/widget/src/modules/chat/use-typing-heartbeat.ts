import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { useMutation } from "convex/react";
import { useCallback, useRef } from "react";

/** At most one "still typing" heartbeat this often; the backend forgets a typist after 6 s without one. */
const HEARTBEAT_MS = 2_500;

/**
 * Tell the team the visitor is typing: the first keystroke at once, then at
 * most one heartbeat every 2.5 s, and "stopped" when the box empties. Never a
 * write per keystroke; a failed heartbeat is ignored (it is only a hint).
 */
export function useTypingHeartbeat(sessionToken: string, conversationId: Id<"conversations">) {
  const setTyping = useMutation(api.public.typing.set);
  const last = useRef(0);
  return useCallback(
    (typing: boolean) => {
      const now = Date.now();
      if (typing && now - last.current < HEARTBEAT_MS) return;
      if (!typing && last.current === 0) return;
      last.current = typing ? now : 0;
      setTyping({ sessionToken, conversationId, typing }).catch(() => undefined);
    },
    [setTyping, sessionToken, conversationId],
  );
}
