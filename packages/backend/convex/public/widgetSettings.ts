import { widgetQuery } from "../lib/functions";
import { vPublicWidgetSettings, type PublicWidgetSettings } from "../lib/validators";
import { DEFAULT_WIDGET_SETTINGS } from "../lib/widgetDefaults";

/**
 * What the widget needs to render for an organization. Only public fields
 * are copied out; allowed domains, plugin configuration and anything added to
 * the settings later stay on the server unless added here on purpose.
 */
export const getByOrganization = widgetQuery({
  args: {},
  returns: vPublicWidgetSettings,
  handler: async (ctx): Promise<PublicWidgetSettings> => {
    const stored = await ctx.db
      .query("widgetSettings")
      .withIndex("by_organization_id", (q) => q.eq("organizationId", ctx.organization._id))
      .unique();
    const settings = stored ?? DEFAULT_WIDGET_SETTINGS;
    const logoStorageId = stored?.logoStorageId;
    return {
      organizationId: ctx.organization.externalId,
      organizationName: ctx.organization.name,
      agentName: settings.agentName,
      greeting: settings.greeting,
      suggestions: settings.suggestions,
      primaryColor: settings.primaryColor,
      position: settings.position,
      logoUrl: logoStorageId ? await ctx.storage.getUrl(logoStorageId) : null,
      preChatFields: settings.preChatFields,
      voiceEnabled: settings.voiceEnabled,
    };
  },
});
