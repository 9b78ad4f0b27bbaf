import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

import { EMBEDDING_DIMENSIONS } from "./lib/knowledge";
import {
  vAuditActor,
  vChannel,
  vConversationStatus,
  vCsat,
  vKnowledgeSourceKind,
  vKnowledgeSourceStatus,
  vMemberRole,
  vMessageRole,
  vMessageStatus,
  vNotificationKind,
  vPlan,
  vPluginService,
  vPreChatFields,
  vSessionMetadata,
  vSubscriptionStatus,
  vVapiAssistantMode,
  vVapiVoice,
  vVoiceCallStatus,
  vWebhookSource,
  vWidgetPosition,
} from "./lib/validators";

/**
 * The whole Parley domain. Every tenant-owned table carries `organizationId`
 * and is reached through an index that starts with it, so a query can only
 * ever read one organization's rows.
 */
export default defineSchema({
  /** A Clerk (or local-issuer) organization: the tenant. */
  organizations: defineTable({
    /** The identity provider's organization id (Clerk `org_…`); public, used by the embed. */
    externalId: v.string(),
    name: v.string(),
    slug: v.optional(v.string()),
    /** The newest Clerk event applied to this row (its `updated_at`), so older ones are ignored. */
    syncedAt: v.optional(v.number()),
    /** The member limit its plan allows, set when the plan changes (also in Clerk, in Clerk mode). */
    memberLimit: v.optional(v.number()),
    /**
     * Set when Clerk deletes the organization: its widget and members are
     * refused at once and `system/organizations.purge` deletes its data after
     * the retention period (`PARLEY_DELETED_ORG_RETENTION_DAYS`).
     */
    deletedAt: v.optional(v.number()),
  }).index("by_external_id", ["externalId"]),

  /** A dashboard user, keyed by the token's `tokenIdentifier` (issuer + subject). */
  users: defineTable({
    tokenIdentifier: v.string(),
    externalId: v.string(),
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    imageUrl: v.optional(v.string()),
  })
    .index("by_token_identifier", ["tokenIdentifier"])
    // Clerk's membership webhooks name users by their Clerk id.
    .index("by_external_id", ["externalId"]),

  /** A user's role in one organization, mirrored from the identity provider's claims. */
  memberships: defineTable({
    organizationId: v.id("organizations"),
    userId: v.id("users"),
    role: vMemberRole,
    /** Notifications created up to this time are read for this member. */
    notificationsReadAt: v.optional(v.number()),
    /**
     * When the role was last set by the identity provider's webhook or an
     * admin (a Clerk event's `updated_at`, or the time of the change). Unset
     * while only sign-ins have written it; once set, a sign-in's claims no
     * longer overwrite the role, and older webhook events are ignored.
     */
    syncedAt: v.optional(v.number()),
  })
    .index("by_organization_id_and_user_id", ["organizationId", "userId"])
    // Finding an organization's admins without reading every member (last-admin protection).
    .index("by_organization_id_and_role", ["organizationId", "role"])
    .index("by_user_id", ["userId"]),

  /** The organization's plan, written by Clerk billing webhooks. */
  subscriptions: defineTable({
    organizationId: v.id("organizations"),
    /** The plan in force (what limits apply); `lib/plans.ts`. */
    plan: vPlan,
    status: vSubscriptionStatus,
    /** Clerk's subscription id, absent for the implicit free plan. */
    externalId: v.optional(v.string()),
    currentPeriodEnd: v.optional(v.number()),
    updatedAt: v.number(),
    /** The plan Clerk says is paid for; differs from `plan` once a grace period or a canceled period is over. */
    paidPlan: v.optional(vPlan),
    /** While `past_due`: when the plan falls back to free. */
    graceEndsAt: v.optional(v.number()),
    /** The newest Clerk billing event applied (its `updated_at` or timestamp); older ones are ignored. */
    syncedAt: v.optional(v.number()),
  })
    .index("by_organization_id", ["organizationId"])
    .index("by_external_id", ["externalId"]),

  /** How the widget looks and behaves; one row per organization. */
  widgetSettings: defineTable({
    organizationId: v.id("organizations"),
    agentName: v.string(),
    greeting: v.string(),
    suggestions: v.array(v.string()),
    primaryColor: v.string(),
    position: vWidgetPosition,
    logoStorageId: v.optional(v.id("_storage")),
    preChatFields: vPreChatFields,
    /** Hosts allowed to embed the widget; empty allows every host. */
    allowedDomains: v.array(v.string()),
    voiceEnabled: v.boolean(),
    /** Vapi assistant used for voice calls; public by Vapi's design. */
    vapiAssistantId: v.optional(v.string()),
    updatedAt: v.number(),
  })
    .index("by_organization_id", ["organizationId"])
    .index("by_logo_storage_id", ["logoStorageId"]),

  /**
   * Third-party integrations. Secrets are AES-256-GCM encrypted
   * (`lib/secrets.ts`, bound to the organization and service) and never
   * returned by any function.
   */
  plugins: defineTable({
    organizationId: v.id("organizations"),
    service: vPluginService,
    secretCiphertext: v.string(),
    secretIv: v.string(),
    /** Fingerprint of the PARLEY_SECRETS_KEY that encrypted the secret (rotation). */
    secretKeyId: v.string(),
    /** Non-secret settings safe to show in the dashboard (e.g. a public key). */
    publicConfig: v.optional(v.record(v.string(), v.string())),
    updatedAt: v.number(),
  }).index("by_organization_id_and_service", ["organizationId", "service"]),

  /**
   * How an organization's Vapi voice calls are set up, beside its `vapi`
   * plugin row (the keys). One row per organization, deleted on disconnect.
   */
  vapiSettings: defineTable({
    organizationId: v.id("organizations"),
    /** `managed`: Parley creates and updates the assistant; `existing`: one of the organization's own. */
    assistantMode: v.optional(vVapiAssistantMode),
    assistantId: v.optional(v.string()),
    assistantName: v.optional(v.string()),
    /** The managed assistant's voice, first message (default: the widget greeting) and language. */
    voice: v.optional(vVapiVoice),
    firstMessage: v.optional(v.string()),
    language: v.optional(v.string()),
    /** The Vapi phone number shown to visitors. */
    phoneNumberId: v.optional(v.string()),
    phoneNumber: v.optional(v.string()),
    /** The Vapi credential (bearer) Vapi authenticates to Parley's routes with. */
    credentialId: v.optional(v.string()),
    /** SHA-256 of that credential's token; the token itself is only ever sent to Vapi. */
    serverSecretHash: v.optional(v.string()),
    updatedAt: v.number(),
  })
    .index("by_organization_id", ["organizationId"])
    .index("by_server_secret_hash", ["serverSecretHash"]),

  /** A Vapi call, linked to the visitor's voice conversation (`public/voice.attachCall`). */
  voiceCalls: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    /** Vapi's call id. */
    callId: v.string(),
    status: vVoiceCallStatus,
    endedReason: v.optional(v.string()),
    summary: v.optional(v.string()),
    durationSeconds: v.optional(v.number()),
    cost: v.optional(v.number()),
    recordingUrl: v.optional(v.string()),
    endedAt: v.optional(v.number()),
    /** Whole minutes counted in usage for this call (counted once, at its end-of-call report). */
    billedMinutes: v.optional(v.number()),
  })
    .index("by_call_id", ["callId"])
    .index("by_conversation_id", ["conversationId"])
    .index("by_organization_id", ["organizationId"]),

  /**
   * A visitor's session in the widget. The credential is a random token the
   * visitor keeps; only its SHA-256 hash is stored.
   */
  contactSessions: defineTable({
    organizationId: v.id("organizations"),
    tokenHash: v.string(),
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    metadata: vSessionMetadata,
    /** Slides forward while the visitor is active (`lib/sessions.ts`). */
    expiresAt: v.number(),
    /**
     * Set once `expiresAt` has passed, by the session's scheduled job or the
     * cron sweep. Queries go by this marker, never by the clock: real Convex
     * caches a query's result and does not re-run it as time passes.
     */
    expired: v.optional(v.literal(true)),
    /** Name and email, for the inbox's search (a search index has one field). */
    searchText: v.optional(v.string()),
  })
    .index("by_token_hash", ["tokenHash"])
    .index("by_organization_id", ["organizationId"])
    .index("by_expired_and_expires_at", ["expired", "expiresAt"])
    .searchIndex("search_contact", { searchField: "searchText", filterFields: ["organizationId"] }),

  conversations: defineTable({
    organizationId: v.id("organizations"),
    contactSessionId: v.id("contactSessions"),
    status: vConversationStatus,
    channel: vChannel,
    assigneeId: v.optional(v.id("users")),
    lastMessageAt: v.number(),
    lastMessagePreview: v.optional(v.string()),
    csat: v.optional(vCsat),
    /**
     * Since when the visitor has been waiting for a human: set when the
     * conversation is handed to the team (or the visitor writes again while
     * it is), cleared when an operator replies, it is resolved or handed back.
     */
    waitingSince: v.optional(v.number()),
  })
    // The inbox's filters (status × assignee × channel) each read one index range, so a
    // page costs the same with 1,000 conversations or 100,000.
    .index("by_organization_id_and_last_message_at", ["organizationId", "lastMessageAt"])
    .index("by_organization_id_and_status_and_last_message_at", [
      "organizationId",
      "status",
      "lastMessageAt",
    ])
    .index("by_organization_id_and_assignee_id_and_last_message_at", [
      "organizationId",
      "assigneeId",
      "lastMessageAt",
    ])
    .index("by_organization_id_and_status_and_assignee_id_and_last_message_at", [
      "organizationId",
      "status",
      "assigneeId",
      "lastMessageAt",
    ])
    .index("by_organization_id_and_channel_and_last_message_at", [
      "organizationId",
      "channel",
      "lastMessageAt",
    ])
    .index("by_organization_id_and_status_and_channel_and_last_message_at", [
      "organizationId",
      "status",
      "channel",
      "lastMessageAt",
    ])
    .index("by_organization_id_and_status_and_waiting_since", [
      "organizationId",
      "status",
      "waitingSince",
    ])
    .index("by_contact_session_id_and_last_message_at", ["contactSessionId", "lastMessageAt"]),

  /**
   * How many of an organization's conversations have each status, kept by the
   * mutations that create conversations or change their status (never counted
   * by scanning), for the inbox's filter badges.
   */
  conversationCounts: defineTable({
    organizationId: v.id("organizations"),
    status: vConversationStatus,
    count: v.number(),
  }).index("by_organization_id_and_status", ["organizationId", "status"]),

  /** Up to when a member has read a conversation: the inbox's unread markers. */
  conversationReads: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    userId: v.id("users"),
    readAt: v.number(),
  })
    .index("by_user_id_and_conversation_id", ["userId", "conversationId"])
    // Purging a deleted organization's conversations.
    .index("by_conversation_id", ["conversationId"]),

  /**
   * Who is typing in a conversation right now: one row per typist, refreshed
   * by a throttled heartbeat and deleted by a scheduled function when it goes
   * stale, so queries read what the data says rather than the clock.
   */
  typingIndicators: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    /** The visitor, or the operator's user id. */
    typist: v.union(v.literal("visitor"), v.id("users")),
    name: v.optional(v.string()),
    updatedAt: v.number(),
  }).index("by_conversation_id_and_typist", ["conversationId", "typist"]),

  /** Replies an organization's admins prepared, inserted in the composer with `/`. */
  cannedResponses: defineTable({
    organizationId: v.id("organizations"),
    title: v.string(),
    /** Typed after `/` to find it, e.g. `refund`. Unique per organization. */
    shortcut: v.string(),
    /** Markdown, with `{{contact.name}}` and `{{agent.name}}` filled in when inserted. */
    body: v.string(),
    updatedAt: v.number(),
  }).index("by_organization_id_and_shortcut", ["organizationId", "shortcut"]),

  /** Conversation messages live here (not inside a component) so the inbox, analytics and exports can query them. */
  messages: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    role: vMessageRole,
    body: v.string(),
    status: vMessageStatus,
    /** The operator who wrote it, for role "operator". */
    authorId: v.optional(v.id("users")),
    /** Knowledge-base sources an AI answer cites. */
    sourceIds: v.optional(v.array(v.id("knowledgeSources"))),
  })
    .index("by_conversation_id", ["conversationId"])
    .index("by_organization_id", ["organizationId"])
    .searchIndex("search_body", { searchField: "body", filterFields: ["organizationId"] }),

  knowledgeSources: defineTable({
    organizationId: v.id("organizations"),
    title: v.string(),
    kind: vKnowledgeSourceKind,
    url: v.optional(v.string()),
    storageId: v.optional(v.id("_storage")),
    status: vKnowledgeSourceStatus,
    error: v.optional(v.string()),
    chunkCount: v.number(),
    updatedAt: v.number(),
    /**
     * The embedding model (`model/dimensions`) that produced the vectors of
     * every passage of this source; unset while it has none (no API key when
     * it was added, embedding pending or failed). Vector hits count only when
     * it names the configured model, so vectors from another model are never
     * compared with the query's.
     */
    embeddedWith: v.optional(v.string()),
  })
    // Kept beside the next one for its order: the dashboard lists sources newest first.
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_organization_id", ["organizationId"])
    .index("by_organization_id_and_embedded_with", ["organizationId", "embeddedWith"])
    .index("by_storage_id", ["storageId"]),

  knowledgeChunks: defineTable({
    organizationId: v.id("organizations"),
    sourceId: v.id("knowledgeSources"),
    position: v.number(),
    text: v.string(),
    /** The Markdown heading the passage sits under, if its source has headings. */
    section: v.optional(v.string()),
    embedding: v.optional(v.array(v.float64())),
  })
    .index("by_source_id_and_position", ["sourceId", "position"])
    .searchIndex("search_text", { searchField: "text", filterFields: ["organizationId"] })
    .vectorIndex("by_embedding", {
      vectorField: "embedding",
      dimensions: EMBEDDING_DIMENSIONS,
      filterFields: ["organizationId"],
    }),

  /**
   * Per-organization statistics of the knowledge base's passages, kept up to
   * date as sources are added and removed, for the relevance model's IDF and
   * length normalisation (`lib/relevance.ts`) without reading every passage.
   */
  knowledgeStats: defineTable({
    organizationId: v.id("organizations"),
    passageCount: v.number(),
    /** Total length of the passages in stems; unset when the row was rebuilt from counts alone. */
    stemCount: v.optional(v.number()),
  }).index("by_organization_id", ["organizationId"]),

  /**
   * Questions the agent could not answer from the knowledge base (it said so
   * and offered a human), so the team sees which articles are missing.
   */
  knowledgeGaps: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    question: v.string(),
    /** The question's terms, stemmed, sorted and deduplicated: one key for rephrasings. */
    normalizedQuestion: v.string(),
  })
    // Kept beside the next one for its order: the dashboard lists gaps newest first.
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_organization_id", ["organizationId"])
    .index("by_organization_id_and_normalized_question", ["organizationId", "normalizedQuestion"]),

  /** Webhook deliveries already handled, so a retried delivery is applied once. */
  webhookEvents: defineTable({
    source: vWebhookSource,
    externalId: v.string(),
    type: v.string(),
    processedAt: v.number(),
    /** What came of it: `applied`, or why nothing changed (`stale`, `no organization`, …). */
    outcome: v.optional(v.string()),
  }).index("by_source_and_external_id", ["source", "externalId"]),

  /**
   * A member removed from an organization (by Clerk's webhook or an admin):
   * their still-valid token is refused, and a sign-in does not recreate the
   * membership, until the identity provider adds them again.
   */
  membershipRemovals: defineTable({
    organizationId: v.id("organizations"),
    /** The identity provider's user id (the token's subject). */
    userExternalId: v.string(),
    removedAt: v.number(),
  }).index("by_organization_id_and_user_external_id", ["organizationId", "userExternalId"]),

  /**
   * Usage per organization and billing period (a calendar month, UTC,
   * `2026-12`), kept by the mutations that cause it (`lib/usage.ts`), never
   * counted by scanning. Quantities that are not per period (knowledge-base
   * characters, seats) live in the row whose period is `current`.
   */
  usage: defineTable({
    organizationId: v.id("organizations"),
    period: v.string(),
    conversations: v.number(),
    aiReplies: v.number(),
    voiceMinutes: v.number(),
    knowledgeBaseCharacters: v.number(),
    seats: v.number(),
  }).index("by_organization_id_and_period", ["organizationId", "period"]),

  /**
   * Things the team should act on (a visitor asked for a human, …), one feed
   * per organization; each member's read position is on their membership.
   */
  notifications: defineTable({
    organizationId: v.id("organizations"),
    kind: vNotificationKind,
    title: v.string(),
    body: v.string(),
    conversationId: v.optional(v.id("conversations")),
  }).index("by_organization_id", ["organizationId"]),

  /** Who did what, per organization, for compliance and support. */
  auditLogs: defineTable({
    organizationId: v.id("organizations"),
    actor: vAuditActor,
    action: v.string(),
    targetId: v.optional(v.string()),
    details: v.optional(v.record(v.string(), v.string())),
  }).index("by_organization_id", ["organizationId"]),
});
