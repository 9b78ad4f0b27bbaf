import { paginationResultValidator } from "convex/server";
import { v } from "convex/values";

import { orgMutation, orgQuery } from "../lib/functions";
import { vPaginationOpts } from "../lib/pagination";
import { getMembership, MAX_UNREAD_COUNT } from "../lib/notifications";
import { vNotificationKind } from "../lib/validators";

const vNotification = v.object({
  _id: v.id("notifications"),
  _creationTime: v.number(),
  kind: vNotificationKind,
  title: v.string(),
  body: v.string(),
  conversationId: v.optional(v.id("conversations")),
  unread: v.boolean(),
});

/** The organization's notifications, newest first, each marked read or unread for the caller. */
export const list = orgQuery({
  args: { paginationOpts: vPaginationOpts },
  returns: paginationResultValidator(vNotification),
  handler: async (ctx, args) => {
    const membership = await getMembership(ctx, ctx.organizationId, ctx.user._id);
    const readAt = membership?.notificationsReadAt ?? 0;
    const page = await ctx.db
      .query("notifications")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", ctx.organizationId))
      .order("desc")
      .paginate(args.paginationOpts);
    return {
      ...page,
      page: page.page.map(({ organizationId: _organizationId, ...notification }) => ({
        ...notification,
        unread: notification._creationTime > readAt,
      })),
    };
  },
});

/** How many notifications the caller has not seen, up to MAX_UNREAD_COUNT (`more` says there are others). */
export const unreadCount = orgQuery({
  args: {},
  returns: v.object({ count: v.number(), more: v.boolean() }),
  handler: async (ctx) => {
    const membership = await getMembership(ctx, ctx.organizationId, ctx.user._id);
    const unread = await ctx.db
      .query("notifications")
      .withIndex("by_organization_id", (q) =>
        q
          .eq("organizationId", ctx.organizationId)
          .gt("_creationTime", membership?.notificationsReadAt ?? 0),
      )
      .take(MAX_UNREAD_COUNT + 1);
    return {
      count: Math.min(unread.length, MAX_UNREAD_COUNT),
      more: unread.length > MAX_UNREAD_COUNT,
    };
  },
});

/**
 * Mark everything up to `through` (a notification's creation time, default
 * now) as read for the caller. Marking up to what the member saw, not "now",
 * keeps a notification that arrived meanwhile unread.
 */
export const markRead = orgMutation({
  args: { through: v.optional(v.number()) },
  returns: v.null(),
  handler: async (ctx, args) => {
    const membership = await getMembership(ctx, ctx.organizationId, ctx.user._id);
    if (!membership) return null;
    const through = Math.min(args.through ?? Date.now(), Date.now());
    // Never move the read position backwards (an older tab marking an older page).
    if (through > (membership.notificationsReadAt ?? 0)) {
      await ctx.db.patch("memberships", membership._id, { notificationsReadAt: through });
    }
    return null;
  },
});
