import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { audit } from "../lib/audit";
import {
  addEvent,
  changeStatus,
  displayName,
  getOrgConversation,
  markReadFor,
} from "../lib/conversations";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import {
  LIMITS,
  vAssigneeFilter,
  vChannel,
  vConversationStatus,
  vCsat,
  vInboxSort,
  vSessionMetadata,
  type AssigneeFilter,
  type Channel,
  type ConversationStatus,
} from "../lib/validators";

const vMember = v.object({
  _id: v.id("users"),
  name: v.string(),
  imageUrl: v.optional(v.string()),
});

/** A conversation as the inbox lists it, with who the visitor is and whether the caller has read it. */
const vInboxConversation = v.object({
  _id: v.id("conversations"),
  _creationTime: v.number(),
  status: vConversationStatus,
  channel: vChannel,
  assignee: v.union(vMember, v.null()),
  lastMessageAt: v.number(),
  lastMessagePreview: v.optional(v.string()),
  /** Since when the visitor has been waiting for a human (escalated and unanswered). */
  waitingSince: v.optional(v.number()),
  /** Something happened since the caller last opened it. */
  unread: v.boolean(),
  contact: v.object({
    name: v.optional(v.string()),
    email: v.optional(v.string()),
    metadata: vSessionMetadata,
  }),
});

async function toMember(ctx: QueryCtx, userId: Id<"users"> | undefined) {
  const user = userId ? await ctx.db.get("users", userId) : null;
  return user ? { _id: user._id, name: displayName(user), imageUrl: user.imageUrl } : null;
}

async function toInboxConversation(
  ctx: QueryCtx & { user: Doc<"users"> },
  conversation: Doc<"conversations">,
) {
  const session = await ctx.db.get("contactSessions", conversation.contactSessionId);
  const read = await ctx.db
    .query("conversationReads")
    .withIndex("by_user_id_and_conversation_id", (q) =>
      q.eq("userId", ctx.user._id).eq("conversationId", conversation._id),
    )
    .unique();
  return {
    _id: conversation._id,
    _creationTime: conversation._creationTime,
    status: conversation.status,
    channel: conversation.channel,
    assignee: await toMember(ctx, conversation.assigneeId),
    lastMessageAt: conversation.lastMessageAt,
    lastMessagePreview: conversation.lastMessagePreview,
    waitingSince: conversation.waitingSince,
    unread: !read || read.readAt < conversation.lastMessageAt,
    // After the session is deleted (it expired), the conversation keeps a copy of the contact.
    contact: {
      name: session?.name ?? conversation.contact?.name,
      email: session?.email ?? conversation.contact?.email,
      metadata: session?.metadata ?? conversation.contact?.metadata ?? {},
    },
  };
}

/**
 * The index range for a filter. Every combination of status, assignee and
 * channel reads one index range (status, assignee and channel together read
 * the status-and-assignee range and leave out other channels), so a page
 * costs the same however many conversations the organization has.
 */
function inboxQuery(
  ctx: QueryCtx & { organizationId: Id<"organizations">; user: Doc<"users"> },
  filter: { status?: ConversationStatus; assignee: AssigneeFilter; channel?: Channel },
) {
  const organizationId = ctx.organizationId;
  const { status, channel } = filter;
  const assigneeId =
    filter.assignee === "me" ? ctx.user._id : filter.assignee === "unassigned" ? undefined : null;
  const conversations = ctx.db.query("conversations");
  if (assigneeId !== null) {
    const query = status
      ? conversations.withIndex(
          "by_organization_id_and_status_and_assignee_id_and_last_message_at",
          (q) =>
            q
              .eq("organizationId", organizationId)
              .eq("status", status)
              .eq("assigneeId", assigneeId),
        )
      : conversations.withIndex("by_organization_id_and_assignee_id_and_last_message_at", (q) =>
          q.eq("organizationId", organizationId).eq("assigneeId", assigneeId),
        );
    return { query, leftOut: channel };
  }
  if (status && channel) {
    return {
      query: conversations.withIndex(
        "by_organization_id_and_status_and_channel_and_last_message_at",
        (q) => q.eq("organizationId", organizationId).eq("status", status).eq("channel", channel),
      ),
    };
  }
  if (status) {
    return {
      query: conversations.withIndex("by_organization_id_and_status_and_last_message_at", (q) =>
        q.eq("organizationId", organizationId).eq("status", status),
      ),
    };
  }
  if (channel) {
    return {
      query: conversations.withIndex("by_organization_id_and_channel_and_last_message_at", (q) =>
        q.eq("organizationId", organizationId).eq("channel", channel),
      ),
    };
  }
  return {
    query: conversations.withIndex("by_organization_id_and_last_message_at", (q) =>
      q.eq("organizationId", organizationId),
    ),
  };
}

/**
 * The inbox: the organization's conversations, newest activity first, by
 * status, assignee and channel; or (`sort: "waiting"`) the escalated ones
 * whose visitor has waited longest first.
 */
export const list = orgQuery({
  args: {
    paginationOpts: vPaginationOpts,
    status: v.optional(vConversationStatus),
    assignee: v.optional(vAssigneeFilter),
    channel: v.optional(vChannel),
    sort: v.optional(vInboxSort),
  },
  returns: paginationResultValidator(vInboxConversation),
  handler: async (ctx, args) => {
    const assignee = args.assignee ?? "everyone";
    let page;
    let keep: (conversation: Doc<"conversations">) => boolean = () => true;
    if (args.sort === "waiting") {
      page = await ctx.db
        .query("conversations")
        .withIndex("by_organization_id_and_status_and_waiting_since", (q) =>
          q
            .eq("organizationId", ctx.organizationId)
            .eq("status", "escalated")
            .gte("waitingSince", 0),
        )
        .order("asc")
        .paginate(args.paginationOpts);
      keep = (conversation) =>
        (args.channel === undefined || conversation.channel === args.channel) &&
        (assignee === "everyone" ||
          conversation.assigneeId === (assignee === "me" ? ctx.user._id : undefined));
    } else {
      const { query, leftOut } = inboxQuery(ctx, {
        status: args.status,
        assignee,
        channel: args.channel,
      });
      page = await query.order("desc").paginate(args.paginationOpts);
      if (leftOut) keep = (conversation) => conversation.channel === leftOut;
    }
    return {
      ...page,
      page: await Promise.all(page.page.filter(keep).map((c) => toInboxConversation(ctx, c))),
    };
  },
});

/** How many conversations have each status (the filters' badges), kept incrementally. */
export const counts = orgQuery({
  args: {},
  returns: v.object({ unresolved: v.number(), escalated: v.number(), resolved: v.number() }),
  handler: async (ctx) => {
    const result = { unresolved: 0, escalated: 0, resolved: 0 };
    for (const status of ["unresolved", "escalated", "resolved"] as const) {
      const row = await ctx.db
        .query("conversationCounts")
        .withIndex("by_organization_id_and_status", (q) =>
          q.eq("organizationId", ctx.organizationId).eq("status", status),
        )
        .unique();
      result[status] = Math.max(0, row?.count ?? 0);
    }
    return result;
  },
});

/** How many earlier conversations of the same visitor the contact panel shows. */
const PREVIOUS_CONVERSATIONS = 10;

/** One conversation with what the contact panel shows; another organization's is "not found". */
export const get = orgQuery({
  args: { conversationId: v.id("conversations") },
  returns: v.object({
    ...vInboxConversation.fields,
    csat: v.optional(vCsat),
    session: v.object({ startedAt: v.number() }),
    previous: v.array(
      v.object({
        _id: v.id("conversations"),
        status: vConversationStatus,
        channel: vChannel,
        lastMessageAt: v.number(),
        lastMessagePreview: v.optional(v.string()),
        csat: v.optional(vCsat),
      }),
    ),
  }),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    const session = await ctx.db.get("contactSessions", conversation.contactSessionId);
    const others = await ctx.db
      .query("conversations")
      .withIndex("by_contact_session_id_and_last_message_at", (q) =>
        q.eq("contactSessionId", conversation.contactSessionId),
      )
      .order("desc")
      .take(PREVIOUS_CONVERSATIONS + 1);
    return {
      ...(await toInboxConversation(ctx, conversation)),
      csat: conversation.csat,
      session: {
        startedAt:
          session?._creationTime ?? conversation.contact?.startedAt ?? conversation._creationTime,
      },
      previous: others
        .filter((other) => other._id !== conversation._id)
        .slice(0, PREVIOUS_CONVERSATIONS)
        .map((other) => ({
          _id: other._id,
          status: other.status,
          channel: other.channel,
          lastMessageAt: other.lastMessageAt,
          lastMessagePreview: other.lastMessagePreview,
          csat: other.csat,
        })),
    };
  },
});

/** Most conversations a search returns. */
const SEARCH_RESULTS = 20;

/**
 * Find conversations by the visitor's name or email, or by the text of a
 * message (notes included: this is the team's view), in the caller's
 * organization only. Best matches first, at most 20.
 */
export const search = orgQuery({
  args: { query: v.string() },
  limits: { query: LIMITS.searchQuery },
  returns: v.array(vInboxConversation),
  handler: async (ctx, args) => {
    const text = args.query.trim();
    if (!text) return [];
    const ids: Id<"conversations">[] = [];
    const add = (id: Id<"conversations">) => {
      if (!ids.includes(id)) ids.push(id);
    };
    const contacts = await ctx.db
      .query("contactSessions")
      .withSearchIndex("search_contact", (q) =>
        q.search("searchText", text).eq("organizationId", ctx.organizationId),
      )
      .take(10);
    for (const contact of contacts) {
      const conversations = await ctx.db
        .query("conversations")
        .withIndex("by_contact_session_id_and_last_message_at", (q) =>
          q.eq("contactSessionId", contact._id),
        )
        .order("desc")
        .take(5);
      conversations.forEach((conversation) => add(conversation._id));
    }
    const messages = await ctx.db
      .query("messages")
      .withSearchIndex("search_body", (q) =>
        q.search("body", text).eq("organizationId", ctx.organizationId),
      )
      .take(SEARCH_RESULTS);
    messages.forEach((message) => add(message.conversationId));
    const found = [];
    for (const id of ids.slice(0, SEARCH_RESULTS)) {
      const conversation = await ctx.db.get("conversations", id);
      if (conversation && conversation.organizationId === ctx.organizationId) {
        found.push(await toInboxConversation(ctx, conversation));
      }
    }
    return found;
  },
});

type MemberCtx = MutationCtx & {
  organizationId: Id<"organizations">;
  user: Doc<"users">;
};

/** Record a change for the timeline (an event message) and the audit log. */
async function recordChange(
  ctx: MemberCtx,
  conversation: Doc<"conversations">,
  action: string,
  event: string,
  details?: Record<string, string>,
) {
  await addEvent(ctx, conversation, event);
  await audit(ctx, {
    organizationId: ctx.organizationId,
    actor: { type: "user", userId: ctx.user._id },
    action,
    targetId: conversation._id,
    ...(details ? { details } : {}),
  });
}

/** Assign the conversation to a member of the organization, or (no assignee) unassign it. */
export const assign = orgMutation({
  args: { conversationId: v.id("conversations"), assigneeId: v.optional(v.id("users")) },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    const { assigneeId } = args;
    if (conversation.assigneeId === assigneeId) return null;
    let assignee: Doc<"users"> | null = null;
    if (assigneeId) {
      const membership = await ctx.db
        .query("memberships")
        .withIndex("by_organization_id_and_user_id", (q) =>
          q.eq("organizationId", ctx.organizationId).eq("userId", assigneeId),
        )
        .unique();
      assignee = membership ? await ctx.db.get("users", assigneeId) : null;
      if (!assignee) throw appError("NOT_FOUND", "That person is not a member of this team.");
    }
    await ctx.db.patch("conversations", conversation._id, { assigneeId });
    const who = displayName(ctx.user);
    await recordChange(
      ctx,
      conversation,
      "conversation.assigned",
      assignee
        ? assignee._id === ctx.user._id
          ? `${who} assigned this conversation to themselves`
          : `${who} assigned this conversation to ${displayName(assignee)}`
        : `${who} unassigned this conversation`,
      { assigneeId: assigneeId ?? "" },
    );
    return null;
  },
});

/**
 * Change the status: `resolved` ends it (the visitor is asked for a rating),
 * `escalated` reopens it for the team, `unresolved` hands it back to the AI
 * agent (unassigned, the agent answers the visitor's next message).
 */
export const setStatus = orgMutation({
  args: { conversationId: v.id("conversations"), status: vConversationStatus },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    if (conversation.status === args.status) return null;
    const who = displayName(ctx.user);
    switch (args.status) {
      case "resolved":
        await changeStatus(ctx, conversation, "resolved");
        await recordChange(
          ctx,
          conversation,
          "conversation.resolved",
          `${who} resolved this conversation`,
        );
        break;
      case "escalated":
        await changeStatus(ctx, conversation, "escalated", {
          assigneeId: conversation.assigneeId ?? ctx.user._id,
        });
        await recordChange(
          ctx,
          conversation,
          conversation.status === "resolved" ? "conversation.reopened" : "conversation.taken_over",
          conversation.status === "resolved"
            ? `${who} reopened this conversation`
            : `${who} took over from the AI agent`,
        );
        break;
      case "unresolved":
        await changeStatus(ctx, conversation, "unresolved", { assigneeId: undefined });
        await recordChange(
          ctx,
          conversation,
          "conversation.handed_back",
          `${who} handed this conversation back to the AI agent`,
        );
        break;
    }
    return null;
  },
});

/** Mark the conversation read up to now for the caller (the inbox's unread marker). */
export const markRead = orgMutation({
  args: { conversationId: v.id("conversations") },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    await markReadFor(ctx, conversation, ctx.user._id);
    return null;
  },
});
