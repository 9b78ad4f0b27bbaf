import { requireFeature } from "../lib/plans";
import { doc } from "convex-helpers/validators";
import { v } from "convex/values";

import { audit } from "../lib/audit";
import { appError } from "../lib/errors";
import { orgMutation, orgQuery } from "../lib/functions";
import { claimUpload, forgetUpload, issueUpload } from "../lib/uploads";
import {
  ensureWidgetSettings,
  findWidgetSettings,
  type EditableWidgetSettings,
} from "../lib/widgetDefaults";
import {
  LIMITS,
  LOGO_TYPES,
  MAX_LOGO_BYTES,
  vPreChatFields,
  vWidgetPosition,
} from "../lib/validators";
import schema from "../schema";

const vSettings = doc(schema, "widgetSettings");

/** The organization's widget settings, as the dashboard edits them. */
export const get = orgQuery({
  args: {},
  returns: v.union(vSettings, v.null()),
  handler: async (ctx) => {
    return await findWidgetSettings(ctx, ctx.organizationId);
  },
});

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
/** A host name, optionally with a leading `*.` wildcard for subdomains. */
const DOMAIN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/;

function cleanText(value: string, field: string, max: number) {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw appError("INVALID_INPUT", `${field} cannot be empty.`);
  if (trimmed.length > max) {
    throw appError("INVALID_INPUT", `${field} must be at most ${max} characters.`);
  }
  return trimmed;
}

/** Normalise what an admin typed: "https://Shop.example.com/path" becomes "shop.example.com". */
function cleanDomain(value: string) {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/\/.*$/, "");
  if (!DOMAIN.test(host)) {
    throw appError(
      "INVALID_INPUT",
      `"${value}" is not a valid domain, e.g. example.com or *.example.com.`,
    );
  }
  return host;
}

/** Change any subset of the widget settings. Admins only. */
export const update = orgMutation({
  role: "admin",
  args: {
    agentName: v.optional(v.string()),
    greeting: v.optional(v.string()),
    suggestions: v.optional(v.array(v.string())),
    primaryColor: v.optional(v.string()),
    position: v.optional(vWidgetPosition),
    preChatFields: v.optional(vPreChatFields),
    allowedDomains: v.optional(v.array(v.string())),
    voiceEnabled: v.optional(v.boolean()),
  },
  limits: { greeting: LIMITS.greeting },
  returns: v.null(),
  handler: async (ctx, args) => {
    const patch: Partial<EditableWidgetSettings> = {};
    if (args.agentName !== undefined) patch.agentName = cleanText(args.agentName, "Agent name", 60);
    if (args.greeting !== undefined)
      patch.greeting = cleanText(args.greeting, "Greeting", LIMITS.greeting);
    if (args.suggestions !== undefined) {
      if (args.suggestions.length > LIMITS.suggestions) {
        throw appError("INVALID_INPUT", `At most ${LIMITS.suggestions} suggestions are shown.`);
      }
      patch.suggestions = args.suggestions.map((s) =>
        cleanText(s, "A suggestion", LIMITS.suggestion),
      );
    }
    if (args.primaryColor !== undefined) {
      if (!HEX_COLOR.test(args.primaryColor)) {
        throw appError("INVALID_INPUT", "Color must be a hex color like #4f46e5.");
      }
      patch.primaryColor = args.primaryColor.toLowerCase();
    }
    if (args.position !== undefined) patch.position = args.position;
    if (args.preChatFields !== undefined) patch.preChatFields = args.preChatFields;
    if (args.allowedDomains !== undefined) {
      if (args.allowedDomains.length > LIMITS.allowedDomains) {
        throw appError("INVALID_INPUT", `At most ${LIMITS.allowedDomains} domains can be listed.`);
      }
      patch.allowedDomains = [...new Set(args.allowedDomains.map(cleanDomain))];
    }
    if (args.voiceEnabled !== undefined) {
      if (args.voiceEnabled) {
        await requireFeature(ctx, ctx.organizationId, "voice", "Voice support");
      }
      patch.voiceEnabled = args.voiceEnabled;
    }

    const settings = await ensureWidgetSettings(ctx, ctx.organizationId);
    await ctx.db.patch("widgetSettings", settings._id, { ...patch, updatedAt: Date.now() });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: "widgetSettings.updated",
      targetId: settings._id,
      details: { fields: Object.keys(patch).sort().join(",") },
    });
    return null;
  },
});

/**
 * A one-time URL the dashboard uploads a logo to (then calls `setLogo`): its
 * ticket records this organization, so only it can use the file. Admins only.
 */
export const generateLogoUploadUrl = orgMutation({
  role: "admin",
  args: {},
  returns: v.string(),
  handler: async (ctx) => await issueUpload(ctx, ctx.organizationId, "widgetLogo"),
});

/**
 * Use an uploaded file as the widget's logo, or remove the logo (`null`).
 * The previous logo's file is deleted. Admins only.
 *
 * Only a file this organization uploaded as a logo is accepted
 * (`lib/uploads.ts`): another organization's storage id, or one uploaded
 * for something else, is "not found". SVG is refused because a file served
 * from storage can carry scripts.
 */
export const setLogo = orgMutation({
  role: "admin",
  args: { storageId: v.union(v.id("_storage"), v.null()) },
  returns: v.null(),
  handler: async (ctx, { storageId }) => {
    const settings = await ensureWidgetSettings(ctx, ctx.organizationId);
    if (storageId === settings.logoStorageId) return null;
    if (storageId) {
      await claimUpload(ctx, ctx.organizationId, "widgetLogo", storageId);
      const file = await ctx.db.system.get("_storage", storageId);
      // Across organizations on purpose: a file another organization's widget uses is
      // refused, and the scoped reader would hide exactly that widget.
      // eslint-disable-next-line no-restricted-properties
      const usedElsewhere = await ctx.unscopedDb
        .query("widgetSettings")
        .withIndex("by_logo_storage_id", (q) => q.eq("logoStorageId", storageId))
        .first();
      if (!file || usedElsewhere) throw appError("NOT_FOUND", "This upload does not exist.");
      const type = file.contentType?.split(";")[0]?.trim().toLowerCase();
      // (The dashboard checks type and size before uploading. A refused file stays in storage,
      // since a mutation that throws undoes its own deletes, until system/storage's daily sweep.)
      if (!type || !(LOGO_TYPES as readonly string[]).includes(type)) {
        throw appError("INVALID_INPUT", "The logo must be a PNG, JPEG, WebP or GIF image.");
      }
      if (file.size > MAX_LOGO_BYTES) {
        throw appError("INVALID_INPUT", "The logo must be at most 512 KB.");
      }
    }
    if (settings.logoStorageId) {
      await forgetUpload(ctx, settings.logoStorageId);
      await ctx.storage.delete(settings.logoStorageId);
    }
    await ctx.db.patch("widgetSettings", settings._id, {
      logoStorageId: storageId ?? undefined,
      updatedAt: Date.now(),
    });
    await audit(ctx, {
      organizationId: ctx.organizationId,
      actor: { type: "user", userId: ctx.user._id },
      action: storageId ? "widgetSettings.logoChanged" : "widgetSettings.logoRemoved",
      targetId: settings._id,
    });
    return null;
  },
});
