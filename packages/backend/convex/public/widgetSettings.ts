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

/**
 * The `frame-ancestors` source the widget's server sends with the widget
 * page, so the browser itself enforces the allow-list: the loader names the
 * host page (`hostOrigin`), and when that origin is allowed the page may be
 * framed by exactly that origin and nothing else. A page that lies about its
 * origin to pass the check is then refused by the browser.
 *
 * `null` means "send no policy": the organization has no allow-list (any
 * site, including editors that preview a site inside their own frame, may
 * embed it), or the host is not allowed, in which case the widget loads and
 * explains why it will not run. The answer is one origin the caller named,
 * so it reveals nothing of the list.
 */
export const frameAncestor = widgetQuery({
  args: { hostOrigin: v.optional(v.string()) },
  limits: { hostOrigin: LIMITS.url },
  returns: v.union(v.string(), v.null()),
  handler: async (ctx, args) => {
    const settings = await findWidgetSettings(ctx, ctx.organization._id);
    const allowedDomains = settings?.allowedDomains ?? [];
    if (allowedDomains.length === 0 || !args.hostOrigin) return null;
    if (!isEmbedAllowed(allowedDomains, args.hostOrigin)) return null;
    // isEmbedAllowed parsed it as an http(s) URL; the origin has no path, quotes or spaces.
    return new URL(args.hostOrigin).origin;
  },
});
