import type { SessionMetadata } from "@parley/backend/validators";

import type { HostPage } from "../host/host-bridge";

/** The backend bounds every metadata string to this many characters. */
const MAX = 2048;
const clip = (value: string | undefined) => (value ? value.slice(0, MAX) : undefined);

/**
 * What the team sees about the visitor's browser. The page URL and referrer
 * are the host page's (the loader passes them); the widget's own would only
 * ever say "the widget".
 */
export function browserMetadata(hostPage: HostPage | undefined): SessionMetadata {
  let timezone: string | undefined;
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    timezone = undefined;
  }
  const embedded = window.parent !== window;
  return {
    userAgent: clip(navigator.userAgent),
    language: clip(navigator.language),
    languages: navigator.languages.slice(0, 10).map((language) => language.slice(0, 64)),
    timezone: clip(timezone),
    timezoneOffset: new Date().getTimezoneOffset(),
    screenResolution: `${window.screen.width}x${window.screen.height}`,
    viewportSize: `${window.innerWidth}x${window.innerHeight}`,
    pageUrl: clip(hostPage?.pageUrl ?? (embedded ? undefined : window.location.href)),
    referrer: clip(hostPage?.referrer ?? (embedded ? undefined : document.referrer)),
  };
}
