/** What a new organization's widget looks like before an admin changes anything. */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";

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

/** The organization's settings row, created with defaults if it does not exist yet. */
export async function ensureWidgetSettings(ctx: MutationCtx, organizationId: Id<"organizations">) {
  const existing = await ctx.db
    .query("widgetSettings")
    .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
    .unique();
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
