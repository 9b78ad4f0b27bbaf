import { v } from "convex/values";

import { internal } from "../_generated/api";
import { internalMutation } from "../_generated/server";
import { TYPING_TTL_MS } from "../lib/typing";

/** Delete a typing indicator with no heartbeat for TYPING_TTL_MS, or look again when it would be. */
export const expire = internalMutation({
  args: { indicatorId: v.id("typingIndicators") },
  returns: v.null(),
  handler: async (ctx, { indicatorId }) => {
    const row = await ctx.db.get("typingIndicators", indicatorId);
    if (!row) return null;
    const left = row.updatedAt + TYPING_TTL_MS - Date.now();
    if (left <= 0) await ctx.db.delete("typingIndicators", indicatorId);
    else await ctx.scheduler.runAfter(left, internal.system.typing.expire, { indicatorId });
    return null;
  },
});
