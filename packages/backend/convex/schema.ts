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
  vAnswerRating,
  vGapResolution,
  vPlan,
  vPlaygroundPassage,
  vPlaygroundStatus,
  vPluginService,
  vPreChatFields,
  vSessionMetadata,
  vSubscriptionStatus,
  vUploadPurpose,
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
    /**
     * The billing cycle Clerk last named (its item's `period_start`); kept when
     * the plan ends, so usage periods go on following the cycle (`lib/usage.ts`).
     */
    currentPeriodStart: v.optional(v.number()),
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
    /**
     * A hash of the address the session was created from (`lib/clientAddress.ts`),
     * so the visitor's later calls count against that address's limits too.
     */
    clientKey: v.optional(v.string()),
  })
    .index("by_token_hash", ["tokenHash"])
    .index("by_organization_id", ["organizationId"])
    .index("by_expired_and_expires_at", ["expired", "expiresAt"])
    .searchIndex("search_contact", { searchField: "searchText", filterFields: ["organizationId"] }),

  conversations: defineTable({
    organizationId: v.id("organizations"),
    /**
     * The visitor's session. Expired sessions are deleted (a daily cron,
     * `system/contactSessions.deleteExpired`); the id then points nowhere and
     * `contact` holds what the team still needs to see.
     */
    contactSessionId: v.id("contactSessions"),
    /** The visitor's details, copied here when their session is deleted. */
    contact: v.optional(
      v.object({
        name: v.optional(v.string()),
        email: v.optional(v.string()),
        metadata: vSessionMetadata,
        /** When the session started (its creation time). */
        startedAt: v.number(),
      }),
    ),
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
    /** The section of each cited source the answer came from ("Warranty › Making a claim"), when it has one. */
    citedSections: v.optional(
      v.array(v.object({ sourceId: v.id("knowledgeSources"), section: v.string() })),
    ),
  })
    .index("by_conversation_id", ["conversationId"])
    .index("by_organization_id", ["organizationId"])
    .searchIndex("search_body", { searchField: "body", filterFields: ["organizationId"] }),

  /**
   * The text of an AI reply while it streams, one row per flush, in order of
   * `seq` (as @convex-dev/agent's `streamDeltas`). The reply's message stays
   * unchanged (empty, status "streaming") until `system/messages.finishReply`
   * writes the whole body into it once and deletes these rows, so a flush
   * re-runs only the small `messages.streaming` queries of that
   * conversation, never the message lists.
   */
  messageDeltas: defineTable({
    organizationId: v.id("organizations"),
    conversationId: v.id("conversations"),
    messageId: v.id("messages"),
    /** 0, 1, 2, … per message: the order the text was written in. */
    seq: v.number(),
    text: v.string(),
  }).index("by_conversation_id_and_message_id_and_seq", ["conversationId", "messageId", "seq"]),

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
    /** The uploaded file's name and type (`file` sources). */
    fileName: v.optional(v.string()),
    contentType: v.optional(v.string()),
    /** The sitemap a `url` source was found in; removed with it. */
    parentId: v.optional(v.id("knowledgeSources")),
    /** When the page (or sitemap) was last fetched. */
    lastCrawledAt: v.optional(v.number()),
    /** Work done and to do in the current stage (passages embedded, pages found), for a progress bar. */
    progress: v.optional(v.object({ done: v.number(), total: v.number() })),
    /**
     * Bumped each time the source is (re-)indexed: a job that finds another
     * number was superseded and writes nothing.
     */
    attempt: v.optional(v.number()),
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
    .index("by_storage_id", ["storageId"])
    .index("by_parent_id", ["parentId"]),

  /**
   * Upload tickets and the files uploaded with them. A dashboard member asks
   * for an upload URL (`private/uploads.generateUrl`); the ticket records the
   * organization and purpose at that moment, and `POST /uploads` stores the
   * file and writes its `storageId` here. A function given a storage id
   * accepts it only if this row says it was uploaded by the caller's
   * organization for that purpose: storage ids alone prove nothing.
   */
  uploads: defineTable({
    organizationId: v.id("organizations"),
    purpose: vUploadPurpose,
    /** Random, single-use; the upload URL's secret. */
    ticket: v.string(),
    expiresAt: v.number(),
    storageId: v.optional(v.id("_storage")),
    fileName: v.optional(v.string()),
    contentType: v.optional(v.string()),
    size: v.optional(v.number()),
  })
    .index("by_ticket", ["ticket"])
    .index("by_storage_id_and_expires_at", ["storageId", "expiresAt"]),

  knowledgeChunks: defineTable({
    organizationId: v.id("organizations"),
    sourceId: v.id("knowledgeSources"),
    position: v.number(),
    text: v.string(),
    /**
     * Where the passage sits in its document: the headings above it joined
     * with " › " ("Warranty › Making a claim"), if its source has headings.
     */
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
    /** Set when an admin dismissed the gap or added an article for it; open gaps have none. */
    resolution: v.optional(vGapResolution),
  })
    // Kept beside the next one for its order: the dashboard lists gaps newest first.
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_organization_id", ["organizationId"])
    .index("by_organization_id_and_normalized_question", ["organizationId", "normalizedQuestion"])
    // Open gaps (resolution undefined), newest first, for the Knowledge gaps screen.
    .index("by_organization_id_and_resolution", ["organizationId", "resolution"]),

  /**
   * Questions asked in "Test your agent". Kept apart from conversations on
   * purpose: a playground question is no visitor's, so it never reaches the
   * inbox, analytics, the AI-reply quota or the knowledge gaps.
   */
  playgroundRuns: defineTable({
    organizationId: v.id("organizations"),
    askedBy: v.id("users"),
    question: v.string(),
    /** The answer as it streams in. */
    answer: v.string(),
    status: vPlaygroundStatus,
    /** Which brain answered: the local responder or the configured model. */
    responder: v.union(v.literal("local"), v.literal("model")),
    /** Every passage the agent's searches returned, best first. */
    passages: v.array(vPlaygroundPassage),
    /** The agent said it did not know. */
    abstained: v.boolean(),
    /** Why it abstained, in words an admin understands. */
    abstentionReason: v.optional(v.string()),
    rating: v.optional(vAnswerRating),
    ratedBy: v.optional(v.id("users")),
  })
    // Newest first for the playground's history; the next one filters by rating.
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_organization_id", ["organizationId"])
    .index("by_organization_id_and_rating", ["organizationId", "rating"]),

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
   * Usage per organization and billing period (the subscription's cycle,
   * `2026-12-15`, or a calendar month, `2026-12`), kept by the mutations that
   * cause it (`lib/usage.ts`), never counted by scanning. A period's counters
   * are split over `USAGE_SHARDS` rows (`shard`) summed on read, so concurrent
   * replies do not conflict. Quantities that are not per period
   * (knowledge-base characters, seats) live in the one row whose period is
   * `current`.
   */
  usage: defineTable({
    organizationId: v.id("organizations"),
    period: v.string(),
    /** Which of the period's rows; unset on the `current` row and rows written before sharding. */
    shard: v.optional(v.number()),
    conversations: v.number(),
    aiReplies: v.number(),
    voiceMinutes: v.number(),
    knowledgeBaseCharacters: v.number(),
    seats: v.number(),
  }).index("by_organization_id_and_period_and_shard", ["organizationId", "period", "shard"]),

  /**
   * The organization's AI replies in the current clock hour (one row per
   * organization, reset when the hour changes), and the budget windows whose
   * "nearly used" notification was already sent (`lib/aiBudget.ts`).
   */
  aiBudgets: defineTable({
    organizationId: v.id("organizations"),
    /** Start of the hour `repliesThisHour` counts (ms, UTC). */
    hourStart: v.number(),
    repliesThisHour: v.number(),
    /** The hour whose budget warning was sent. */
    warnedHourStart: v.optional(v.number()),
    /** The billing period (`2026-12`) whose budget warning was sent. */
    warnedPeriod: v.optional(v.string()),
  }).index("by_organization_id", ["organizationId"]),

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
