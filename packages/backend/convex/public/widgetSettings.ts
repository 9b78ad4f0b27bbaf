import { v } from "convex/values";

import { isEmbedAllowed } from "../lib/allowedDomains";
import { widgetQuery } from "../lib/functions";
import { LIMITS, vPublicWidgetSettings, type PublicWidgetSettings } from "../lib/validators";
import { DEFAULT_WIDGET_SETTINGS, findWidgetSettings } from "../lib/widgetDefaults";

/**
 * What the widget needs to render for an organization. Only public fields
 * are copied out; allowed domains, plugin configuration and anything added to
 * the settings later stay on the server unless added here on purpose.
 *
 * `hostOrigin` is the origin of the page embedding the widget; the answer
 * says whether that page is allowed (`embedAllowed`) without revealing the
 * allow-list, so nobody learns an organization's other sites from it.
 */
export const getByOrganization = widgetQuery({
  args: { hostOrigin: v.optional(v.string()) },
  limits: { hostOrigin: LIMITS.url },
  returns: vPublicWidgetSettings,
  handler: async (ctx, args): Promise<PublicWidgetSettings> => {
    const stored = await findWidgetSettings(ctx, ctx.organization._id);
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
      embedAllowed: isEmbedAllowed(settings.allowedDomains, args.hostOrigin),
    };
  },
});
