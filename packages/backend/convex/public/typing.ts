import { v } from "convex/values";

import { getVisitorConversation } from "../lib/conversations";
import { visitorMutation, visitorQuery } from "../lib/functions";
import { clearTyping, setTyping, typists } from "../lib/typing";

/** The visitor is typing (a throttled heartbeat while they type), or stopped. */
export const set = visitorMutation({
  args: { conversationId: v.id("conversations"), typing: v.boolean() },
  returns: v.null(),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    if (conversation.status === "resolved") return null;
    if (args.typing) await setTyping(ctx, conversation, "visitor");
    else await clearTyping(ctx, conversation._id, "visitor");
    return null;
  },
});

/** The names of the team members typing a reply in the visitor's conversation ("Oscar is typing…"). */
export const get = visitorQuery({
  args: { conversationId: v.id("conversations") },
  returns: v.array(v.string()),
  handler: async (ctx, args) => {
    const conversation = await getVisitorConversation(ctx, ctx.session, args.conversationId);
    const rows = await typists(ctx, conversation._id);
    return rows.filter((row) => row.typist !== "visitor").map((row) => row.name ?? "Someone");
  },
});
