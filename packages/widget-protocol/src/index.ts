/**
 * The one message protocol between the embed loader (on the customer's page)
 * and the widget (in the iframe). Both sides import this module: the loader
 * bundles it, the widget compiles it, so a message added or changed here is
 * checked on both ends by the type checker.
 *
 * Security, enforced by each side where it calls `postMessage` / listens:
 * - every message is sent with an explicit `targetOrigin` (never "*"): the
 *   loader targets the widget's origin, the widget the host page's origin;
 * - every listener checks `event.origin` and `event.source` first, then reads
 *   the payload with `readHostMessage` / `readWidgetMessage`, which drop
 *   anything that is not a well-formed message of this protocol version.
 *
 * Keep it small: every byte here ships in the loader.
 */

/** Bumped on any incompatible change; both sides ignore messages of another version. */
export const PROTOCOL_VERSION = 1;

export type LauncherPosition = "bottom-right" | "bottom-left";

/** What `Parley.identify()` passes to prefill the pre-chat form. */
export type Identity = { name?: string; email?: string };

/** Host page → widget. */
export type HostMessage =
  /** The answer to the widget's `ready`: where it is embedded and who the visitor is. */
  | {
      type: "init";
      pageUrl: string;
      referrer: string;
      identity: Identity;
      open: boolean;
    }
  /** The chat was opened or closed on the host page (launcher, API, Escape). */
  | { type: "visibility"; open: boolean }
  /** `Parley.identify()` was called after the widget loaded. */
  | { type: "identify"; identity: Identity };

/** Widget → host page. */
export type WidgetMessage =
  /** The widget app is running and listening; the loader answers with `init`. */
  | { type: "ready" }
  /** The organization's look, so the launcher matches the widget. */
  | { type: "settings"; color: string; position: LauncherPosition }
  /** Replies the visitor has not seen, counted while the chat is closed. */
  | { type: "unread"; count: number }
  /** The visitor closed the chat from inside the widget. */
  | { type: "close" };

/** A message on the wire: tagged so unrelated `postMessage` traffic is ignored. */
export type Envelope<M> = M & { parley: typeof PROTOCOL_VERSION };

/** Wrap a message for `postMessage`. */
export function pack<M extends HostMessage | WidgetMessage>(message: M): Envelope<M> {
  return { ...message, parley: PROTOCOL_VERSION };
}

type Loose = Record<string, unknown>;

/** The payload as a plain object of this protocol version, or null. */
function envelope(data: unknown): Loose | null {
  return typeof data === "object" &&
    data !== null &&
    (data as Loose).parley === PROTOCOL_VERSION &&
    typeof (data as Loose).type === "string"
    ? (data as Loose)
    : null;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isBoolean = (value: unknown): value is boolean => typeof value === "boolean";

/** `{ name?, email? }` with string fields only, or null. */
function readIdentity(value: unknown): Identity | null {
  if (typeof value !== "object" || value === null) return null;
  const { name, email } = value as Loose;
  if ((name !== undefined && !isString(name)) || (email !== undefined && !isString(email))) {
    return null;
  }
  return { name, email };
}

/** Read a message the widget received from the host page; anything malformed is null. */
export function readHostMessage(data: unknown): HostMessage | null {
  const message = envelope(data);
  if (!message) return null;
  switch (message.type) {
    case "init": {
      const identity = readIdentity(message.identity);
      return isString(message.pageUrl) &&
        isString(message.referrer) &&
        isBoolean(message.open) &&
        identity
        ? {
            type: "init",
            pageUrl: message.pageUrl,
            referrer: message.referrer,
            identity,
            open: message.open,
          }
        : null;
    }
    case "visibility":
      return isBoolean(message.open) ? { type: "visibility", open: message.open } : null;
    case "identify": {
      const identity = readIdentity(message.identity);
      return identity ? { type: "identify", identity } : null;
    }
    default:
      return null;
  }
}

/** Read a message the host page received from the widget; anything malformed is null. */
export function readWidgetMessage(data: unknown): WidgetMessage | null {
  const message = envelope(data);
  if (!message) return null;
  switch (message.type) {
    case "ready":
    case "close":
      return { type: message.type };
    case "settings":
      // The loader puts the color into CSS: only a plain hex color gets through.
      return isString(message.color) &&
        /^#[0-9a-f]{6}$/i.test(message.color) &&
        (message.position === "bottom-right" || message.position === "bottom-left")
        ? { type: "settings", color: message.color, position: message.position }
        : null;
    case "unread":
      return typeof message.count === "number" && message.count >= 0
        ? { type: "unread", count: message.count }
        : null;
    default:
      return null;
  }
}
