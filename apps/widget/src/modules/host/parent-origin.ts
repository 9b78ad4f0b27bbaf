/**
 * Which page the widget is embedded in. The loader passes the host page's
 * origin in the iframe URL (`hostOrigin`), but anyone can put anything in a
 * URL, so the browser's own account wins when it has one:
 * `location.ancestorOrigins` (Chromium, Safari), then the referrer (the host
 * page's origin under the default referrer policy). The claim is used only
 * when the browser says nothing. A wrong origin cannot leak messages: the
 * browser delivers a `postMessage` only to a window of the target origin, and
 * the listener drops messages from any other origin.
 */
function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const { origin, protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:" ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** The embedding page's origin, or undefined when the widget is not in a frame. */
export function readParentOrigin(claimed: string | undefined): string | undefined {
  if (window.parent === window) return undefined;
  const ancestor = window.location.ancestorOrigins?.[0];
  return originOf(ancestor) ?? originOf(document.referrer) ?? originOf(claimed);
}
