import { v } from "convex/values";

import { displayName, getOrgConversation } from "../lib/conversations";
import { orgMutation, orgQuery } from "../lib/functions";
import { clearTyping, setTyping, typists } from "../lib/typing";

/** The caller is typing a reply (a throttled heartbeat), or stopped. Notes are not announced. */
export const set = orgMutation({
  args: { conversationId: v.id("conversations"), typing: v.boolean() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    if (args.typing && conversation.status !== "resolved") {
      await setTyping(ctx, conversation, ctx.user._id, displayName(ctx.user));
    } else {
      await clearTyping(ctx, conversation._id, ctx.user._id);
    }
    return null;
  },
});

/** Who else is typing in the conversation: the visitor, and teammates by name. */
export const get = orgQuery({
  args: { conversationId: v.id("conversations") },
  returns: v.object({ visitor: v.boolean(), teammates: v.array(v.string()) }),
  handler: async (ctx, args) => {
    const conversation = await getOrgConversation(ctx, ctx.organizationId, args.conversationId);
    const rows = await typists(ctx, conversation._id);
    return {
      visitor: rows.some((row) => row.typist === "visitor"),
      teammates: rows
        .filter((row) => row.typist !== "visitor" && row.typist !== ctx.user._id)
        .map((row) => row.name ?? "A teammate"),
    };
  },
});
