/** How messages are shown to visitors and operators. */
import { v } from "convex/values";

import type { PaginationOptions } from "convex/server";

import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
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

/** Trimmed, non-empty message text, or null. */
export function cleanBody(body: string): string | null {
  const trimmed = body.trim();
  return trimmed.length > 0 ? trimmed : null;
}
