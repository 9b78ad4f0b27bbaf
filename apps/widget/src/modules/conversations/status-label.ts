import type { ConversationStatus } from "@parley/backend/validators";

/** How a conversation's status reads to the visitor. */
export const STATUS_LABEL: Record<ConversationStatus, string> = {
  unresolved: "Open",
  escalated: "With our team",
  resolved: "Ended",
};
