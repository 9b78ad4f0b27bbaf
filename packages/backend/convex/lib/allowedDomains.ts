/**
 * Which host pages may embed an organization's widget.
 *
 * Admins list hosts in the widget settings (`private/widgetSettings.update`
 * normalises them to `host`, `host:port`, `*.host` or `*.host:port`). An empty
 * list allows every host. The widget refuses to run elsewhere, and the
 * browser enforces it through `frame-ancestors` (public/widgetSettings
 * `frameAncestor`). It keeps other sites from embedding an organization's
 * assistant; it is not a data boundary: anyone can call the public functions
 * directly, so tenant data stays protected by the visitor session.
 */

/** The host name and effective port of an http(s) origin or URL; null when unparseable. */
function parseHost(hostOrigin: string): { hostname: string; port: string } | null {
  try {
    const url = new URL(hostOrigin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    return { hostname: url.hostname.toLowerCase(), port };
  } catch {
    return null;
  }
}

function matches(entry: string, host: { hostname: string; port: string }): boolean {
  const [pattern = "", port] = entry.toLowerCase().split(":");
  // An entry without a port allows any port; one with a port allows only that port.
  if (port !== undefined && port !== host.port) return false;
  if (pattern.startsWith("*.")) {
    // `*.example.com` is every subdomain of example.com, at any depth, but not example.com itself.
    return host.hostname.endsWith(pattern.slice(1));
  }
  return host.hostname === pattern;
}

/**
 * Whether a page at `hostOrigin` may run the widget. With an allow-list, a
 * missing or malformed origin is refused: the widget cannot show that it is
 * embedded somewhere allowed.
 */
export function isEmbedAllowed(allowedDomains: readonly string[], hostOrigin: string | undefined) {
  if (allowedDomains.length === 0) return true;
  const host = hostOrigin ? parseHost(hostOrigin) : null;
  if (!host) return false;
  return allowedDomains.some((entry) => matches(entry, host));
}
