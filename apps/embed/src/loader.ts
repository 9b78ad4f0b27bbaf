/**
 * The Parley loader: the one script customers paste on their site.
 *
 *   <script src="https://…/parley.js" data-organization-id="…" async></script>
 *
 * It adds a launcher button and, the first time the visitor opens the chat, an
 * iframe with the widget app. Everything else happens inside that iframe; the
 * two talk only through `@parley/widget-protocol`. This file stays small (the
 * budget is 2 KB gzipped, `pnpm --filter @parley/bench embed-size`) and has no
 * runtime dependencies.
 *
 * The launcher and the iframe live in the shadow root of a `<parley-chat>`
 * element, out of reach of the host page's stylesheets (`button {…}`,
 * `iframe { display: none !important }`). The only thing those can still
 * match is that element itself (by tag, `*`, `body > *`), so it carries inline
 * `!important` declarations, which beat any stylesheet's: `all: initial` also
 * stops inherited styles (color, font, visibility) from reaching inside, and
 * `display: contents` gives it no box of its own to move or clip.
 *
 * Styles are set through the CSSOM (`style.cssText`), never a `style`
 * attribute or a `<style>` element, so a host page's Content-Security-Policy
 * allows them even without 'unsafe-inline' in `style-src`.
 */
import {
  pack,
  readWidgetMessage,
  type HostMessage,
  type Identity,
  type LauncherPosition,
} from "@parley/widget-protocol";

/** Replaced at build time by build.mjs (PARLEY_WIDGET_URL). */
declare const __PARLEY_WIDGET_URL__: string;

export interface ParleyInitOptions {
  /** The organization whose assistant answers. Required. */
  organizationId: string;
  /** Where the widget app is served. Defaults to the script's `data-widget-url`, then the build default. */
  widgetUrl?: string;
}

export type ParleyEvent = "open" | "close" | "unread" | "ready";
/** `unread` passes the number of unread replies; the other events pass nothing. */
export type ParleyListener = (unread?: number) => void;

export interface ParleyMethods {
  /** Adds the launcher. Calling it again replaces the previous instance. */
  init(options: ParleyInitOptions): void;
  open(): void;
  close(): void;
  toggle(): void;
  /** Removes the launcher and the iframe. Listeners added with `on` stay. */
  destroy(): void;
  /** Prefills the pre-chat form with what the host page knows about the visitor. */
  identify(identity: Identity): void;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on(event: ParleyEvent, listener: ParleyListener): () => void;
}

/**
 * `window.Parley`: the methods, and a function that calls one by name
 * (`Parley("open")`), which is how calls queued by the snippet before this
 * script loaded are replayed.
 */
export interface ParleyApi extends ParleyMethods {
  <M extends keyof ParleyMethods>(
    method: M,
    ...args: Parameters<ParleyMethods[M]>
  ): ReturnType<ParleyMethods[M]>;
}

/** The stub the snippet installs before the loader arrives: it only queues its calls' arguments. */
interface ParleyQueue {
  (...args: unknown[]): void;
  q?: IArguments[];
  init?: undefined;
}

declare global {
  interface Window {
    Parley?: ParleyApi | ParleyQueue;
  }
}

interface Instance {
  src: string;
  /** The `<parley-chat>` element on the page; the launcher and frame are in its shadow root. */
  host: HTMLElement;
  /** The widget's origin: the only origin we post to and accept messages from. */
  origin: string;
  /** localStorage key of the launcher look the widget last reported. */
  key: string;
  launcher: HTMLButtonElement;
  frame?: HTMLIFrameElement;
  open?: boolean;
  unread: number;
  /** The launcher's color and side, as the widget reported them. */
  look: [string, LauncherPosition];
}

const FIXED = "position:fixed;z-index:2147483000;";
// No aria-hidden needed: the button's aria-label is its accessible name.
const ICON =
  '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><path d="';

// Only readable while the script first runs, so capture it now.
const script = document.currentScript as HTMLScriptElement | null;
// Phones get the chat full screen.
const small = matchMedia("(max-width:640px)");
const listeners: { [E in ParleyEvent]?: ParleyListener[] } = {};
let identity: Identity = {};
let instance: Instance | undefined;

function emit(event: ParleyEvent, unread?: number): void {
  for (const listener of listeners[event] ?? []) listener(unread);
}

/** Post to the widget, addressed to its origin only. Before the widget is ready nothing listens, and nothing is lost: `init` carries the state. */
function post(message: HostMessage): void {
  instance?.frame?.contentWindow?.postMessage(pack(message), instance.origin);
}

/** Syncs the launcher and iframe with the instance; creates the iframe on first open. */
function render(current: Instance): void {
  const { launcher, open, unread, look } = current;
  const side = `${look[1] === "bottom-left" ? "left" : "right"}:20px;`;
  const full = open && small.matches;
  launcher.innerHTML =
    ICON +
    (open
      ? "M18 6 6 18M6 6l12 12"
      : "M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z") +
    '"/></svg>';
  // ARIA reflection (every current browser) is shorter than setAttribute.
  launcher.ariaLabel = open ? "Close chat" : unread ? `Open chat (${unread} unread)` : "Open chat";
  launcher.ariaExpanded = "" + !!open;
  launcher.style.cssText = `${FIXED}${side}bottom:20px;width:56px;height:56px;border:0;border-radius:50%;background:${look[0]};color:#fff;cursor:pointer;display:${full ? "none" : "grid"};place-items:center;box-shadow:0 8px 32px #0003`;
  // Replies that arrived while closed: a badge (innerHTML above removed the previous one).
  if (unread && !open) {
    const badge = launcher.appendChild(document.createElement("span"));
    badge.textContent = "" + unread;
    badge.style.cssText =
      "position:absolute;top:-4px;right:-4px;min-width:20px;border-radius:10px;background:#dc2626;font:12px/20px sans-serif";
  }

  let frame = current.frame;
  if (open && !frame) {
    frame = current.frame = document.createElement("iframe");
    frame.src = current.src;
    frame.title = "Parley chat";
    // Cross-origin frames get neither by default: voice calls need the microphone, the
    // contact screen's copy button the clipboard.
    frame.allow = "microphone; clipboard-write";
    launcher.before(frame);
  }
  if (frame) {
    frame.style.cssText =
      FIXED +
      (full
        ? "inset:0;width:100%;height:100%;"
        : `${side}bottom:88px;width:min(400px,100vw - 40px);height:min(600px,100vh - 108px);border-radius:16px;`) +
      `border:0;background:#fff;box-shadow:0 8px 32px #0003;display:${open ? "block" : "none"}`;
  }
}

function onMessage(event: MessageEvent): void {
  const current = instance;
  // Only our own widget's frame, from the widget's origin (`source` is never undefined).
  if (!current || event.source !== current.frame?.contentWindow || event.origin !== current.origin)
    return;
  const message = readWidgetMessage(event.data);
  switch (message?.type) {
    case "ready":
      post({
        type: "init",
        pageUrl: location.href,
        referrer: document.referrer,
        identity,
        open: !!current.open,
      });
      emit("ready");
      break;
    case "settings":
      current.look = [message.color, message.position];
      try {
        localStorage[current.key] = JSON.stringify(current.look);
      } catch {
        // Storage may be blocked; the defaults show until the widget reports again.
      }
      render(current);
      break;
    case "unread":
      current.unread = current.open ? 0 : message.count;
      render(current);
      if (current.unread) emit("unread", current.unread);
      break;
    case "close":
      setOpen(false);
  }
}

function onKeyDown(event: KeyboardEvent): void {
  if (event.key === "Escape") setOpen(false);
}

function init(options: ParleyInitOptions): void {
  const organizationId = options.organizationId;
  let url: URL | undefined;
  try {
    url = new URL(
      options.widgetUrl ?? script?.dataset.widgetUrl ?? __PARLEY_WIDGET_URL__,
      document.baseURI,
    );
  } catch {
    // Reported just below.
  }
  if (!url || !organizationId) {
    console.error("[Parley] Invalid init() options.");
    return;
  }
  const params = url.searchParams;
  params.set("organizationId", organizationId);
  params.set("hostOrigin", location.origin);

  destroy();
  const key = "parley:look:" + organizationId;
  // Until the widget reports the organization's look: the widget theme's default color.
  let look: Instance["look"] = ["#2357dc", "bottom-right"];
  try {
    // Validated before it was stored; only this page's own scripts can have changed it since.
    look = JSON.parse(localStorage[key] as string) as Instance["look"];
  } catch {
    // Blocked storage, or nothing stored yet (JSON.parse(undefined) throws): the defaults.
  }
  const launcher = document.createElement("button");
  launcher.onclick = toggle;
  const host = document.createElement("parley-chat");
  // Security/robustness: inline !important outranks every rule of the page's stylesheets.
  host.style.cssText = "all:initial!important;display:contents!important";
  // Open, so tests and assistive tooling can look inside; page CSS cannot either way.
  host.attachShadow({ mode: "open" }).append(launcher);
  const current: Instance = (instance = {
    src: url.href,
    host,
    origin: url.origin,
    key,
    launcher,
    unread: 0,
    look,
  });
  render(current);

  const mount = () => {
    // destroy() or another init() may have run while the page was loading.
    if (instance === current) document.body.append(host);
  };
  if (document.body) mount();
  // DOMContentLoaded bubbles to window and fires once.
  else addEventListener("DOMContentLoaded", mount);
}

function setOpen(open: boolean): void {
  const current = instance;
  if (!current || !current.open === !open || !current.launcher.isConnected) return;
  current.open = open;
  if (open) current.unread = 0;
  render(current);
  post({ type: "visibility", open });
  (open ? current.frame?.contentWindow : current.launcher)?.focus();
  emit(open ? "open" : "close");
}

function toggle(): void {
  setOpen(!instance?.open);
}

function destroy(): void {
  instance?.host.remove();
  instance = undefined;
}

const queued = window.Parley;
// A second copy of the script (pasted twice) leaves the first one in charge.
if (!queued?.init) {
  const methods: ParleyMethods = {
    init,
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle,
    destroy,
    identify(next) {
      identity = { name: next.name, email: next.email };
      post({ type: "identify", identity });
    },
    on(event, listener) {
      (listeners[event] ??= []).push(listener);
      return () => {
        listeners[event] = listeners[event]?.filter((other) => other !== listener);
      };
    },
  };
  // An unknown method name does nothing (a typo must not break the host page).
  const api = Object.assign(
    (method: keyof ParleyMethods, ...args: unknown[]) =>
      (methods[method] as ((...args: unknown[]) => unknown) | undefined)?.(...args),
    methods,
  ) as ParleyApi;
  window.Parley = api;
  // Added once; they do nothing while there is no instance.
  addEventListener("message", onMessage);
  addEventListener("keydown", onKeyDown);
  small.onchange = () => instance && render(instance);
  const organizationId = script?.dataset.organizationId;
  if (organizationId) init({ organizationId });
  // Calls the page made through the snippet's stub before this script loaded, in order.
  for (const args of queued?.q ?? [])
    (api as (...args: unknown[]) => unknown)(...(args as unknown as unknown[]));
}
