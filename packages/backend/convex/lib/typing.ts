/**
 * Typing indicators: one row per typist and conversation, refreshed by the
 * client's throttled heartbeat (at most one write a second is kept) and
 * deleted by a scheduled function once no heartbeat came for TYPING_TTL_MS.
 * Queries only read the rows, so what they return is what the data says, not
 * a clock read in a cached query.
 */
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

/** How long "is typing…" lasts after the last heartbeat. */
export const TYPING_TTL_MS = 6_000;
/** Heartbeats closer than this to the stored one write nothing. */
const MIN_WRITE_INTERVAL_MS = 1_000;

export type Typist = "visitor" | Id<"users">;

async function find(ctx: QueryCtx, conversationId: Id<"conversations">, typist: Typist) {
  return await ctx.db
    .query("typingIndicators")
    .withIndex("by_conversation_id_and_typist", (q) =>
      q.eq("conversationId", conversationId).eq("typist", typist),
    )
    .unique();
}

/** `typist` is typing in `conversation` now. */
export async function setTyping(
  ctx: MutationCtx,
  conversation: Doc<"conversations">,
  typist: Typist,
  name?: string,
) {
  const now = Date.now();
  const row = await find(ctx, conversation._id, typist);
  if (row) {
    if (now - row.updatedAt >= MIN_WRITE_INTERVAL_MS) {
      await ctx.db.patch("typingIndicators", row._id, { updatedAt: now });
    }
    return;
  }
  const indicatorId = await ctx.db.insert("typingIndicators", {
    organizationId: conversation.organizationId,
    conversationId: conversation._id,
    typist,
    ...(name ? { name } : {}),
    updatedAt: now,
  });
  await ctx.scheduler.runAfter(TYPING_TTL_MS, internal.system.typing.expire, { indicatorId });
}

/** `typist` stopped typing (sent the message, cleared the box). */
export async function clearTyping(
  ctx: MutationCtx,
  conversationId: Id<"conversations">,
  typist: Typist,
) {
  const row = await find(ctx, conversationId, typist);
  if (row) await ctx.db.delete("typingIndicators", row._id);
}

/** Who is typing in the conversation. */
export async function typists(ctx: QueryCtx, conversationId: Id<"conversations">) {
  return await ctx.db
    .query("typingIndicators")
    .withIndex("by_conversation_id_and_typist", (q) => q.eq("conversationId", conversationId))
    .take(10);
}
