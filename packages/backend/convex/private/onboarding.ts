import { v } from "convex/values";

import { orgQuery } from "../lib/functions";
import { LIMITS } from "../lib/validators";
import { DEFAULT_WIDGET_SETTINGS, findWidgetSettings } from "../lib/widgetDefaults";

/** How many of the latest visitor sessions are looked at for one seen on the customer's site. */
export const RECENT_SESSIONS = 25;

/** The origin of a URL, or null when it is not one. */
function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const { origin } = new URL(url);
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/** The widget's own page carries the organization's id; a host page (the customer's site) does not. */
function isWidgetPage(url: string, organizationId: string) {
  try {
    return new URL(url).searchParams.get("organizationId") === organizationId;
  } catch {
    return false;
  }
}

/** JSON with object keys sorted, so stored and default values compare whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

const LOOK_FIELDS = [
  "agentName",
  "greeting",
  "suggestions",
  "primaryColor",
  "position",
  "preChatFields",
] as const;

/**
 * A new organization's setup checklist, each step read from real data with
 * bounded reads only (`.first()` / `.take(n)`), so it stays cheap as the
 * organization grows.
 */
export const get = orgQuery({
  args: {
    /**
     * The dashboard's own origin: sessions opened from a page there (the
     * "test the widget" page) show the widget works but not that it is installed.
     */
    dashboardOrigin: v.optional(v.string()),
  },
  limits: { dashboardOrigin: LIMITS.url },
  returns: v.object({
    /** The knowledge base has a source. */
    knowledge: v.boolean(),
    /** The widget's look differs from the defaults, or it has a logo. */
    widget: v.boolean(),
    /** A visitor used the widget on a page other than the widget's own or the dashboard's. */
    installed: v.boolean(),
    /** A visitor session exists at all: the widget has been opened as a visitor would. */
    tested: v.boolean(),
    /** The organization has more than one member. */
    teammate: v.boolean(),
  }),
  handler: async (ctx, args) => {
    const organizationId = ctx.organizationId;
    const source = await ctx.db
      .query("knowledgeSources")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .first();

    const settings = await findWidgetSettings(ctx, organizationId);
    const widget =
      settings !== null &&
      (settings.logoStorageId !== undefined ||
        LOOK_FIELDS.some(
          (field) => canonical(settings[field]) !== canonical(DEFAULT_WIDGET_SETTINGS[field]),
        ));

    const sessions = await ctx.db
      .query("contactSessions")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", organizationId))
      .order("desc")
      .take(RECENT_SESSIONS);
    const dashboardOrigin = originOf(args.dashboardOrigin);
    const installed = sessions.some(({ metadata: { pageUrl } }) => {
      const origin = originOf(pageUrl);
      return (
        origin !== null &&
        origin !== dashboardOrigin &&
        !isWidgetPage(pageUrl!, ctx.organization.externalId)
      );
    });

    const members = await ctx.db
      .query("memberships")
      .withIndex("by_organization_id_and_user_id", (q) => q.eq("organizationId", organizationId))
      .take(2);

    return {
      knowledge: source !== null,
      widget,
      installed,
      tested: sessions.length > 0,
      teammate: members.length > 1,
    };
  },
});
