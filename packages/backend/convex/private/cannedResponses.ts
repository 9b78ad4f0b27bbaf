import { v } from "convex/values";

import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { audit } from "../lib/audit";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { LIMITS } from "../lib/validators";

/** An organization keeps at most this many canned responses (the picker lists them all). */
export const MAX_CANNED_RESPONSES = 200;
const SHORTCUT = /^[a-z0-9][a-z0-9-]{0,31}$/;

const vCannedResponse = v.object({
  _id: v.id("cannedResponses"),
  title: v.string(),
  shortcut: v.string(),
  body: v.string(),
  updatedAt: v.number(),
});

const vFields = { title: v.string(), shortcut: v.string(), body: v.string() };
const limits = {
  title: LIMITS.cannedTitle,
  shortcut: LIMITS.cannedShortcut,
  body: LIMITS.messageBody,
};

/** Trimmed, validated fields, or a clear INVALID_INPUT error. */
function clean(fields: { title: string; shortcut: string; body: string }) {
  const title = fields.title.trim();
  const shortcut = fields.shortcut.trim().replace(/^\//, "").toLowerCase();
  const body = fields.body.trim();
  if (!title) throw appError("INVALID_INPUT", "Give the response a title.");
  if (!SHORTCUT.test(shortcut)) {
    throw appError(
      "INVALID_INPUT",
      "The shortcut is 1 to 32 lowercase letters, digits or dashes, like “refund-policy”.",
    );
  }
  if (!body) throw appError("INVALID_INPUT", "Write the response's text.");
  return { title, shortcut, body };
}

async function assertShortcutFree(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  shortcut: string,
  except?: Id<"cannedResponses">,
) {
  const existing = await ctx.db
    .query("cannedResponses")
    .withIndex("by_organization_id_and_shortcut", (q) =>
      q.eq("organizationId", organizationId).eq("shortcut", shortcut),
    )
    .unique();
  if (existing && existing._id !== except) {
    throw appError("CONFLICT", `Another response already uses the shortcut /${shortcut}.`);
  }
}

/** The organization's canned responses, by shortcut. Every member may use them. */
export const list = orgQuery({
  args: {},
  returns: v.array(vCannedResponse),
  handler: async (ctx) => {
    const rows = await ctx.db
      .query("cannedResponses")
      .withIndex("by_organization_id_and_shortcut", (q) =>
        q.eq("organizationId", ctx.organizationId),
      )
      .take(MAX_CANNED_RESPONSES);
    return rows.map(({ _id, title, shortcut, body, updatedAt }) => ({
      _id,
      title,
      shortcut,
      body,
      updatedAt,
    }));
  },
});

/** Add a canned response (admins). */
export const create = orgMutation({
  role: "admin",
  args: vFields,
  limits,
  returns: v.id("cannedResponses"),
  handler: async (ctx, args) => {
    const fields = clean(args);
    await assertShortcutFree(ctx, ctx.organizationId, fields.shortcut);
    const count = (
      await ctx.db
        .query("cannedResponses")
        .withIndex("by_organization_id_and_shortcut", (q) =>
          q.eq("organizationId", ctx.organizationId),
        )
        .take(MAX_CANNED_RESPONSES)
    ).length;
    if (count >= MAX_CANNED_RESPONSES) {
      throw appError("CONFLICT", `An organization can keep ${MAX_CANNED_RESPONSES} responses.`);
    }
    const id = await ctx.db.insert("cannedResponses", {
      organizationId: ctx.organizationId,
      ...fields,
      updatedAt: Date.now(),
    });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "cannedResponse.created",
      targetId: id,
    });
    return id;
  },
});

async function getOwn(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  id: Id<"cannedResponses">,
) {
  const row = await ctx.db.get("cannedResponses", id);
  if (!row || row.organizationId !== organizationId) {
    throw appError("NOT_FOUND", "This canned response does not exist.");
  }
  return row;
}

/** Change a canned response (admins). */
export const update = orgMutation({
  role: "admin",
  args: { id: v.id("cannedResponses"), ...vFields },
  limits,
  returns: v.null(),
  handler: async (ctx, { id, ...args }) => {
    await getOwn(ctx, ctx.organizationId, id);
    const fields = clean(args);
    await assertShortcutFree(ctx, ctx.organizationId, fields.shortcut, id);
    await ctx.db.patch("cannedResponses", id, { ...fields, updatedAt: Date.now() });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "cannedResponse.updated",
      targetId: id,
    });
    return null;
  },
});

/** Delete a canned response (admins). */
export const remove = orgMutation({
  role: "admin",
  args: { id: v.id("cannedResponses") },
  returns: v.null(),
  handler: async (ctx, { id }) => {
    await getOwn(ctx, ctx.organizationId, id);
    await ctx.db.delete("cannedResponses", id);
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "cannedResponse.removed",
      targetId: id,
    });
    return null;
  },
});
