import { recordUsage } from "../lib/usage";
import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import type { Doc } from "../_generated/dataModel";
import { audit } from "../lib/audit";
import { appError } from "../lib/errors";
import {
  adjustStatusCount,
  escalate as handOver,
  getVisitorConversation,
} from "../lib/conversations";
import { visitorMutation, visitorQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { requireFeature } from "../lib/plans";
import { enforceRateLimit } from "../lib/rateLimits";
import { LIMITS, vChannel, vConversationStatus, vCsat } from "../lib/validators";
import { widgetSettingsOrDefaults } from "../lib/widgetDefaults";

/** What a visitor may see of one of their conversations. */
const vVisitorConversation = v.object({
  _id: v.id("conversations"),
  _creationTime: v.number(),
  status: vConversationStatus,
  channel: vChannel,
  lastMessageAt: v.number(),
  lastMessagePreview: v.optional(v.string()),
  /** The visitor's own rating, once they gave one. */
  csat: v.optional(vCsat),
});

function toVisitorConversation(conversation: Doc<"conversations">) {
  return {
    _id: conversation._id,
    _creationTime: conversation._creationTime,
    status: conversation.status,
    channel: conversation.channel,
    lastMessageAt: conversation.lastMessageAt,
    lastMessagePreview: conversation.lastMessagePreview,
    csat: conversation.csat,
  };
}

/**
 * Start a conversation opened by the agent's greeting: a chat, or a voice
 * call (`channel: "voice"`), whose spoken turns arrive as messages through
 * the same pipeline, answered by the same agent.
 */
export const create = visitorMutation({
  args: { channel: v.optional(vChannel) },
  returns: v.id("conversations"),
  handler: async (ctx, args) => {
    await enforceRateLimit(ctx, "createConversation", ctx.session._id);
    if (ctx.session.clientKey) {
      await enforceRateLimit(ctx, "createConversationPerAddress", ctx.session.clientKey);
    }
    const settings = await widgetSettingsOrDefaults(ctx, ctx.organizationId);
    if (args.channel === "voice") {
      // The widget only offers calls when voice is on; a client that asks anyway is refused the same way.
      if (!settings.voiceEnabled) {
        throw appError("FORBIDDEN", "Voice calls are not available here. Please use the chat.");
      }
      await requireFeature(ctx, ctx.organizationId, "voice", "Voice support");
    }
    const now = Date.now();
    const conversationId = await ctx.db.insert("conversations", {
      organizationId: ctx.organizationId,
      contactSessionId: ctx.session._id,
      status: "unresolved",
      channel: args.channel ?? "chat",
      lastMessageAt: now,
      lastMessagePreview: settings.greeting,
    });
    await adjustStatusCount(ctx, ctx.organizationId, "unresolved", 1);
    await recordUsage(ctx, ctx.organizationId, "conversations", 1, now);
    await ctx.db.insert("messages", {
      organizationId: ctx.organizationId,
      conversationId,
      role: "ai",
      body: settings.greeting,
      status: "complete",
    });
    return conversationId;
  },
});

/** The visitor's own conversations, most recent first. */
export const list = visitorQuery({
  args: { paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vVisitorConversation),
  handler: async (ctx, args) => {
    const page = await ctx.db
      .query("conversations")
      .withIndex("by_contact_session_id_and_last_message_at", (q) =>
        q.eq("contactSessionId", ctx.session._id),
      )
      .order("desc")
      .paginate(args.paginationOpts);
    return { ...page, page: page.page.map(toVisitorConversation) };
  },
});

/** One of the visitor's own conversations; anyone else's is "not found". */
export const get = visitorQuery({
  args: { conversationId: v.id("conversations") },
  returns: vVisitorConversation,
  handler: async (ctx, args) => {
    return toVisitorConversation(
      await getVisitorConversation(ctx, ctx.session, args.conversationId),
    );
  },
});

/** "Talk to a human": hand the conversation to the team; the agent stops replying. */
export const escalate = visitorMutation({
  args: { conversationId: v.id("conversations") },
  returns: vVisitorConversation,
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    if (conversation.status === "resolved") {
      throw appError("CONFLICT", "This conversation has ended. Please start a new one.");
    }
    await handOver(ctx, conversation, { type: "visitor", contactSessionId: ctx.session._id });
    return toVisitorConversation((await ctx.db.get("conversations", conversation._id))!);
  },
});

/**
 * Rate an ended conversation (CSAT): an integer from 1 to 5 and an optional
 * comment. Rating again replaces the earlier rating, so a visitor who
 * mis-clicked can correct it; there is only ever one rating per conversation.
 */
export const rate = visitorMutation({
  args: {
    conversationId: v.id("conversations"),
    rating: v.number(),
    comment: v.optional(v.string()),
  },
  limits: { comment: LIMITS.csatComment },
  returns: vVisitorConversation,
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    if (!Number.isInteger(args.rating) || args.rating < 1 || args.rating > 5) {
      throw appError("INVALID_INPUT", "Please choose a rating from 1 to 5.");
    }
    if (conversation.status !== "resolved") {
      throw appError("CONFLICT", "You can rate this conversation once it has ended.");
    }
    // Every rating writes an audit record, so a script must not be able to rate in a loop.
    await enforceRateLimit(ctx, "rateConversation", ctx.session._id);
    const comment = args.comment?.trim() || undefined;
    await ctx.db.patch("conversations", conversation._id, {
      csat: { rating: args.rating, ...(comment ? { comment } : {}) },
    });
    await audit(ctx, {
      organizationId: conversation.organizationId,
      actor: { type: "visitor", contactSessionId: ctx.session._id },
      action: "conversation.rated",
      targetId: conversation._id,
      details: { rating: String(args.rating) },
    });
    return toVisitorConversation((await ctx.db.get("conversations", conversation._id))!);
  },
});
