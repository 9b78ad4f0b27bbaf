/**
 * Validators shared by the schema, the functions and the frontends.
 *
 * Only leaf shapes live here (enums and small objects), never anything derived
 * from `schema.ts`, so the schema can import this file without a cycle.
 * Document shapes are derived from the schema where they are used.
 */
import { v, type Infer } from "convex/values";

export const vMemberRole = v.union(v.literal("admin"), v.literal("operator"));
export type MemberRole = Infer<typeof vMemberRole>;

export const vPlan = v.union(v.literal("free"), v.literal("pro"), v.literal("business"));
export type Plan = Infer<typeof vPlan>;

export const vSubscriptionStatus = v.union(
  v.literal("active"),
  v.literal("trialing"),
  v.literal("past_due"),
  v.literal("canceled"),
);
export type SubscriptionStatus = Infer<typeof vSubscriptionStatus>;

export const vWidgetPosition = v.union(v.literal("bottom-right"), v.literal("bottom-left"));
export type WidgetPosition = Infer<typeof vWidgetPosition>;

/** Whether the pre-chat form asks for a field, and whether the visitor must fill it. */
export const vPreChatField = v.union(
  v.literal("off"),
  v.literal("optional"),
  v.literal("required"),
);
export const vPreChatFields = v.object({ name: vPreChatField, email: vPreChatField });
export type PreChatFields = Infer<typeof vPreChatFields>;

export const vPluginService = v.union(v.literal("vapi"), v.literal("openai"));
export type PluginService = Infer<typeof vPluginService>;

/** Parley creates and updates the organization's Vapi assistant, or uses one of its own. */
export const vVapiAssistantMode = v.union(v.literal("managed"), v.literal("existing"));
export type VapiAssistantMode = Infer<typeof vVapiAssistantMode>;

/** A voice of one of Vapi's voice providers, e.g. `{ provider: "vapi", voiceId: "Elliot" }`. */
export const vVapiVoice = v.object({ provider: v.string(), voiceId: v.string() });
export type VapiVoice = Infer<typeof vVapiVoice>;

/** A call's status in Vapi's order; `lib/voice.ts` never lets it go backwards. */
export const vVoiceCallStatus = v.union(
  v.literal("queued"),
  v.literal("ringing"),
  v.literal("in-progress"),
  v.literal("forwarding"),
  v.literal("ended"),
);
export type VoiceCallStatus = Infer<typeof vVoiceCallStatus>;

/** What the widget learns about the visitor's browser; every field is optional and bounded. */
export const vSessionMetadata = v.object({
  userAgent: v.optional(v.string()),
  language: v.optional(v.string()),
  languages: v.optional(v.array(v.string())),
  timezone: v.optional(v.string()),
  timezoneOffset: v.optional(v.number()),
  platform: v.optional(v.string()),
  screenResolution: v.optional(v.string()),
  viewportSize: v.optional(v.string()),
  pageUrl: v.optional(v.string()),
  referrer: v.optional(v.string()),
});
export type SessionMetadata = Infer<typeof vSessionMetadata>;

export const vConversationStatus = v.union(
  v.literal("unresolved"),
  v.literal("escalated"),
  v.literal("resolved"),
);
export type ConversationStatus = Infer<typeof vConversationStatus>;

/** A visitor's satisfaction rating of an ended conversation: 1 (bad) to 5 (great). */
export const vCsat = v.object({ rating: v.number(), comment: v.optional(v.string()) });
export type Csat = Infer<typeof vCsat>;

export const vChannel = v.union(v.literal("chat"), v.literal("voice"));
export type Channel = Infer<typeof vChannel>;

/**
 * Who a message is from. `system` messages are shown to the visitor too
 * ("a member of the team will reply here"); `note` (an operator's internal
 * note) and `event` (assigned, resolved, reopened, taken over…) are for the
 * team only: no visitor function returns them and the model never sees them.
 */
export const vTranscriptRole = v.union(
  v.literal("visitor"),
  v.literal("ai"),
  v.literal("operator"),
  v.literal("system"),
);
/** The roles of the conversation the visitor (and the model) sees. */
export type TranscriptRole = Infer<typeof vTranscriptRole>;

export const vMessageRole = v.union(
  ...vTranscriptRole.members,
  v.literal("note"),
  v.literal("event"),
);
export type MessageRole = Infer<typeof vMessageRole>;

/** Roles only the team sees (see vMessageRole). */
export const TEAM_ONLY_ROLES: ReadonlySet<MessageRole> = new Set<MessageRole>(["note", "event"]);

/** Whether a message is part of the transcript the visitor and the model see. */
export function isTranscriptRole(role: MessageRole): role is TranscriptRole {
  return !TEAM_ONLY_ROLES.has(role);
}

/** Which conversations the inbox lists by assignee. */
export const vAssigneeFilter = v.union(
  v.literal("everyone"),
  v.literal("me"),
  v.literal("unassigned"),
);
export type AssigneeFilter = Infer<typeof vAssigneeFilter>;

/** How the inbox orders conversations: latest activity, or escalated ones waiting longest first. */
export const vInboxSort = v.union(v.literal("latest"), v.literal("waiting"));
export type InboxSort = Infer<typeof vInboxSort>;

export const vMessageStatus = v.union(
  v.literal("streaming"),
  v.literal("complete"),
  v.literal("failed"),
);
export type MessageStatus = Infer<typeof vMessageStatus>;

export const vKnowledgeSourceKind = v.union(v.literal("text"), v.literal("url"), v.literal("file"));
/**
 * Where a source is in its indexing. Its stored passages are found by
 * full-text search whatever the status; the status is about the semantic
 * (vector) index: `pending` while its passages are being embedded, `ready`
 * when done (or when no embedding model is configured), `failed` when
 * embedding failed, with the reason in the source's `error`.
 */
export const vKnowledgeSourceStatus = v.union(
  v.literal("pending"),
  v.literal("ready"),
  v.literal("failed"),
);

/** What a dashboard notification is about. */
export const vNotificationKind = v.union(v.literal("conversation.escalated"));
export type NotificationKind = Infer<typeof vNotificationKind>;

export const vWebhookSource = v.union(v.literal("clerk"), v.literal("vapi"));

export const vAuditActor = v.union(
  v.object({ type: v.literal("user"), userId: v.id("users") }),
  v.object({ type: v.literal("visitor"), contactSessionId: v.id("contactSessions") }),
  v.object({ type: v.literal("system") }),
);
export type AuditActor = Infer<typeof vAuditActor>;

/** The widget's view of the organization's settings: only fields safe to show anyone. */
export const vPublicWidgetSettings = v.object({
  organizationId: v.string(),
  organizationName: v.string(),
  agentName: v.string(),
  greeting: v.string(),
  suggestions: v.array(v.string()),
  primaryColor: v.string(),
  position: vWidgetPosition,
  logoUrl: v.union(v.string(), v.null()),
  preChatFields: vPreChatFields,
  voiceEnabled: v.boolean(),
  /** Whether the page embedding the widget is on the allow-list (never the list itself). */
  embedAllowed: v.boolean(),
});
export type PublicWidgetSettings = Infer<typeof vPublicWidgetSettings>;

/** Upper bounds on what any caller may send; checked before a function does any work. */
/** What a widget logo may be: shown in the widget's header, so small raster images (no SVG: a file served from storage can carry scripts). */
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export const MAX_LOGO_BYTES = 512 * 1024;

export const LIMITS = {
  /** Every string argument, unless the function declares a larger bound. */
  defaultString: 2_000,
  /** Every array argument. */
  defaultArray: 50,
  organizationId: 64,
  /** An identity provider's user id (a token's subject). */
  externalId: 128,
  sessionToken: 128,
  name: 120,
  email: 254,
  url: 2_048,
  greeting: 500,
  suggestion: 120,
  suggestions: 3,
  allowedDomains: 20,
  messageBody: 4_000,
  /** The inbox's search box. */
  searchQuery: 200,
  cannedTitle: 80,
  cannedShortcut: 40,
  csatComment: 1_000,
  /** A Vapi API key (a UUID today) or a Vapi id (call, assistant, phone number). */
  vapiKey: 200,
  vapiId: 100,
} as const;
