import { v } from "convex/values";

import { internalMutation, internalQuery } from "../_generated/server";
import { FORMAT_INFO } from "../lib/documents";
import { currentPlan, PLANS } from "../lib/plans";
import { LOGO_TYPES, MAX_LOGO_BYTES, vUploadPurpose } from "../lib/validators";

/**
 * What `POST /uploads` may accept with `ticket`: null when the ticket is
 * unknown, used or expired. The limits are the organization's plan's (or
 * the logo's), so the route refuses a file before storing it.
 */
export const ticket = internalQuery({
  args: { ticket: v.string(), now: v.number() },
  returns: v.union(
    v.object({
      purpose: vUploadPurpose,
      maxBytes: v.number(),
      /** Accepted file extensions and content types. */
      extensions: v.array(v.string()),
      contentTypes: v.array(v.string()),
      planName: v.string(),
    }),
    v.null(),
  ),
  handler: async (ctx, args) => {
    const upload = await ctx.db
      .query("uploads")
      .withIndex("by_ticket", (q) => q.eq("ticket", args.ticket))
      .unique();
    if (!upload || upload.storageId || upload.expiresAt <= args.now) return null;
    if (upload.purpose === "widgetLogo") {
      return {
        purpose: upload.purpose,
        maxBytes: MAX_LOGO_BYTES,
        extensions: [],
        contentTypes: [...LOGO_TYPES] as string[],
        planName: "",
      };
    }
    const plan = PLANS[await currentPlan(ctx, upload.organizationId)];
    return {
      purpose: upload.purpose,
      maxBytes: plan.maxKnowledgeFileBytes,
      extensions: plan.knowledgeFileFormats.flatMap((format) => FORMAT_INFO[format].extensions),
      contentTypes: plan.knowledgeFileFormats.flatMap((format) => FORMAT_INFO[format].contentTypes),
      planName: plan.name,
    };
  },
});

/**
 * Record the file stored with `ticket` as its organization's, for its
 * purpose. False when the ticket was used (or expired) meanwhile: the route
 * then deletes the file.
 */
export const complete = internalMutation({
  args: {
    ticket: v.string(),
    storageId: v.id("_storage"),
    fileName: v.optional(v.string()),
    contentType: v.optional(v.string()),
    size: v.number(),
  },
  returns: v.boolean(),
  handler: async (ctx, { ticket, ...file }) => {
    const upload = await ctx.db
      .query("uploads")
      .withIndex("by_ticket", (q) => q.eq("ticket", ticket))
      .unique();
    if (!upload || upload.storageId || upload.expiresAt <= Date.now()) return false;
    await ctx.db.patch("uploads", upload._id, file);
    return true;
  },
});
