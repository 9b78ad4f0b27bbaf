/** What a new organization's widget looks like before an admin changes anything. */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

/** The settings an admin edits directly (the rest are set by uploads and integrations). */
export type EditableWidgetSettings = Pick<
  Doc<"widgetSettings">,
  | "agentName"
  | "greeting"
  | "suggestions"
  | "primaryColor"
  | "position"
  | "preChatFields"
  | "allowedDomains"
  | "voiceEnabled"
>;

export const DEFAULT_WIDGET_SETTINGS: EditableWidgetSettings = {
  agentName: "Support",
  greeting: "Hi there! How can we help you today?",
  suggestions: [],
  primaryColor: "#4f46e5",
  position: "bottom-right",
  preChatFields: { name: "optional", email: "optional" },
  allowedDomains: [],
  voiceEnabled: false,
};

/** The organization's stored settings row, or null before it has one. */
export async function findWidgetSettings(ctx: QueryCtx, organizationId: Id<"organizations">) {
  return await ctx.db
    .query("widgetSettings")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .unique();
}

/** The settings the widget and agent go by: the stored row, or the defaults. */
export async function widgetSettingsOrDefaults(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
): Promise<EditableWidgetSettings> {
  return (await findWidgetSettings(ctx, organizationId)) ?? DEFAULT_WIDGET_SETTINGS;
}

/** The organization's settings row, created with defaults if it does not exist yet. */
export async function ensureWidgetSettings(ctx: MutationCtx, organizationId: Id<"organizations">) {
  const existing = await findWidgetSettings(ctx, organizationId);
  if (existing) return existing;
  const id = await ctx.db.insert("widgetSettings", {
    organizationId,
    ...DEFAULT_WIDGET_SETTINGS,
    updatedAt: Date.now(),
  });
  const created = await ctx.db.get("widgetSettings", id);
  if (!created) throw new Error("widget settings vanished right after insert");
  return created;
}
