/** How messages are shown to visitors and operators. */
import { v } from "convex/values";

import type { PaginationOptions } from "convex/server";

import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { MAX_DELTAS_PER_REPLY } from "./agent/stream";
import { TEAM_ONLY_ROLES, vMessageRole, vMessageStatus } from "./validators";

export const vMessageView = v.object({
  _id: v.id("messages"),
  _creationTime: v.number(),
  role: vMessageRole,
  body: v.string(),
  status: vMessageStatus,
  /** The knowledge-base sources an AI answer is based on. */
  sources: v.array(
    v.object({
      _id: v.id("knowledgeSources"),
      title: v.string(),
      url: v.optional(v.string()),
      /** The part of the source the answer came from: "Warranty › Making a claim". */
      section: v.optional(v.string()),
    }),
  ),
  /** Who wrote an operator's message or note (visitors see who is answering). */
  authorName: v.optional(v.string()),
});

export async function toMessageView(ctx: QueryCtx, message: Doc<"messages">) {
  const sources = [];
  for (const sourceId of message.sourceIds ?? []) {
    const source = await ctx.db.get("knowledgeSources", sourceId);
    const section = message.citedSections?.find((cited) => cited.sourceId === sourceId)?.section;
    if (source) {
      sources.push({
        _id: source._id,
        title: source.title,
        url: source.url,
        ...(section ? { section } : {}),
      });
    }
  }
  const author = message.authorId ? await ctx.db.get("users", message.authorId) : null;
  return {
    _id: message._id,
    _creationTime: message._creationTime,
    role: message.role,
    body: message.body,
    status: message.status,
    sources,
    ...(author ? { authorName: author.name ?? author.email ?? "A team member" } : {}),
  };
}

/**
 * One page of a conversation's messages as views, newest first. For the
 * visitor (`audience: "visitor"`) team-only messages (notes, events) are
 * left out here, in the one place every visitor path reads messages through.
 */
export async function listMessages(
  ctx: QueryCtx,
  conversationId: Id<"conversations">,
  paginationOpts: PaginationOptions,
  audience: "visitor" | "team",
) {
  const page = await ctx.db
    .query("messages")
    .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
    .order("desc")
    .paginate(paginationOpts);
  const visible =
    audience === "team" ? page.page : page.page.filter((m) => !TEAM_ONLY_ROLES.has(m.role));
  return { ...page, page: await Promise.all(visible.map((m) => toMessageView(ctx, m))) };
}

/** The text streamed so far into one reply that is still being written. */
export const vStreamingReply = v.object({
  messageId: v.id("messages"),
  /** In `seq` order; the client joins their `text` (see `messageDeltas` in the schema). */
  deltas: v.array(v.object({ seq: v.number(), text: v.string() })),
});

/**
 * The conversation's replies in progress, with their deltas. Only delta rows
 * are read, so this query re-runs on each flush while the message lists
 * (which never read deltas) do not. Bounded: a reply writes at most
 * MAX_DELTAS_PER_REPLY deltas, and a conversation rarely streams more than
 * one reply at a time; the bound covers two.
 */
export async function streamingReplies(ctx: QueryCtx, conversationId: Id<"conversations">) {
  const rows = await ctx.db
    .query("messageDeltas")
    .withIndex("by_conversation_id_and_message_id_and_seq", (q) =>
      q.eq("conversationId", conversationId),
    )
    .take(MAX_DELTAS_PER_REPLY * 2);
  const replies = new Map<Id<"messages">, { seq: number; text: string }[]>();
  for (const row of rows) {
    const deltas = replies.get(row.messageId) ?? [];
    deltas.push({ seq: row.seq, text: row.text });
    replies.set(row.messageId, deltas);
  }
  return [...replies].map(([messageId, deltas]) => ({ messageId, deltas }));
}

/** Trimmed, non-empty message text, or null. */
export function cleanBody(body: string): string | null {
  const trimmed = body.trim();
  return trimmed.length > 0 ? trimmed : null;
}
