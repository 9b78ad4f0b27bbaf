/**
 * The caller's network address, for abuse limits keyed per client.
 *
 * Convex functions never see who called them; HTTP actions see the request's
 * headers, and nothing else (no socket). So anything limited per client goes
 * through an `http.ts` route that reads the address here and hands a key
 * derived from it to a `system/` mutation.
 *
 * Trust decision. The address comes from one header, `x-forwarded-for` unless
 * `PARLEY_CLIENT_ADDRESS_HEADER` names another (e.g. `cf-connecting-ip` behind
 * Cloudflare). A proxy appends the address it saw to the end of
 * `X-Forwarded-For`; whatever a client sends itself can only come before it.
 * So the *last* entry is the one written by the proxy in front of the
 * deployment, and the only one a client cannot choose: earlier entries are
 * ignored. Behind more than one proxy, point `PARLEY_CLIENT_ADDRESS_HEADER` at
 * a header the outermost proxy sets. The local backend acts as that proxy and
 * appends the socket's address (`packages/local-backend/src/site.ts`). We could
 * not check offline which header Convex's own edge sets for HTTP actions:
 * confirm it on a deployment before relying on per-address limits there (a
 * request without the header is keyed as "unknown", shared by every such
 * caller, and a warning is logged).
 *
 * IPv6 clients usually own a whole /64, so an IPv6 address is keyed by its
 * first 64 bits. The key is a hash: addresses are never stored.
 */
import { env } from "./env";
import { hashToken } from "./tokens";

/** The caller's address as the trusted proxy reported it, or null when the header is missing. */
export function clientAddress(request: Request): string | null {
  const value = request.headers.get(env.clientAddressHeader());
  if (!value) return null;
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  return entries.at(-1) ?? null;
}

/** The first four groups of an IPv6 address (its /64), fully expanded; null when not IPv6. */
function ipv6Prefix(address: string): string | null {
  const bare = address.replace(/^\[|\](:\d+)?$/g, "").split("%")[0]!;
  if (!bare.includes(":") || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(bare)) return null;
  const [head = "", tail] = bare.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill("0"), ...tailGroups];
  return groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":");
}

/**
 * The rate-limit key for an address: a hash of the address (of its /64 for
 * IPv6), or `unknown` when there is none.
 */
export async function clientKey(address: string | null): Promise<string> {
  if (!address) return "unknown";
  const ipv4Mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const normalized = ipv4Mapped ?? ipv6Prefix(address) ?? address.toLowerCase();
  return `address:${(await hashToken(normalized)).slice(0, 32)}`;
}
