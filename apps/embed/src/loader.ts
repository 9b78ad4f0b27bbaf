/**
 * The Parley loader: the one script customers paste on their site.
 *
 *   <script src="https://…/parley.js" data-organization-id="…" async></script>
 *
 * It adds a launcher button and, the first time the visitor opens the chat, an
 * iframe with the widget app. Everything else happens inside that iframe, so
 * this file stays small and has no dependencies.
 */

/** Replaced at build time by build.mjs (PARLEY_WIDGET_URL). */
declare const __PARLEY_WIDGET_URL__: string;

export interface ParleyInitOptions {
  /** The organization whose assistant answers. Required. */
  organizationId: string;
  /** Where the widget app is served. Defaults to the script's `data-widget-url`, then the build default. */
  widgetUrl?: string;
}

export interface ParleyApi {
  /** Adds the launcher. Calling it again replaces the previous instance. */
  init(options: ParleyInitOptions): void;
  open(): void;
  close(): void;
  toggle(): void;
  /** Removes the launcher and the iframe. */
  destroy(): void;
}

declare global {
  interface Window {
    Parley?: ParleyApi;
  }
}

interface Instance {
  widgetSrc: string;
  launcher: HTMLButtonElement;
  frame: HTMLIFrameElement | undefined;
  isOpen: boolean;
}

const LOG_PREFIX = "[Parley]";
const Z_INDEX = "2147483000";
// Matches the widget theme's --primary (packages/ui globals.css).
const ACCENT = "#2357dc";

const CHAT_ICON =
  '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';
const CLOSE_ICON =
  '<svg width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><path d="M18 6 6 18M6 6l12 12"/></svg>';

// Only readable while the script first runs, so capture it now.
const currentScript =
  document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

let instance: Instance | undefined;

function buildWidgetSrc(options: ParleyInitOptions): string | undefined {
  const base = options.widgetUrl ?? currentScript?.dataset.widgetUrl ?? __PARLEY_WIDGET_URL__;
  let url: URL;
  try {
    url = new URL(base, document.baseURI);
  } catch {
    console.error(`${LOG_PREFIX} Invalid widget URL "${base}".`);
    return undefined;
  }
  url.searchParams.set("organizationId", options.organizationId);
  return url.toString();
}

function createLauncher(): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  Object.assign(button.style, {
    position: "fixed",
    right: "20px",
    bottom: "20px",
    width: "56px",
    height: "56px",
    padding: "0",
    border: "none",
    borderRadius: "50%",
    background: ACCENT,
    color: "#fff",
    cursor: "pointer",
    display: "flex",
    alignItems: "center",
    justifyContent: "center",
    boxShadow: "0 6px 24px rgba(0, 0, 0, 0.2)",
    zIndex: Z_INDEX,
  });
  button.addEventListener("click", toggle);
  return button;
}

function createFrame(src: string): HTMLIFrameElement {
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = "Parley chat";
  Object.assign(frame.style, {
    position: "fixed",
    right: "20px",
    bottom: "88px",
    width: "min(400px, calc(100vw - 40px))",
    height: "min(600px, calc(100vh - 108px))",
    border: "none",
    borderRadius: "16px",
    background: "#fff",
    boxShadow: "0 12px 48px rgba(0, 0, 0, 0.2)",
    zIndex: Z_INDEX,
  });
  return frame;
}

/** Syncs the launcher and iframe with `isOpen`; creates the iframe on first open. */
function render(current: Instance): void {
  const { launcher, isOpen } = current;
  launcher.innerHTML = isOpen ? CLOSE_ICON : CHAT_ICON;
  launcher.setAttribute("aria-label", isOpen ? "Close chat" : "Open chat");
  launcher.setAttribute("aria-expanded", String(isOpen));

  if (isOpen && !current.frame) {
    current.frame = createFrame(current.widgetSrc);
    document.body.appendChild(current.frame);
  }
  if (current.frame) current.frame.style.display = isOpen ? "block" : "none";
}

function init(options: ParleyInitOptions): void {
  if (!options.organizationId) {
    console.error(`${LOG_PREFIX} init() needs an organizationId.`);
    return;
  }
  const widgetSrc = buildWidgetSrc(options);
  if (!widgetSrc) return;

  destroy();
  const current: Instance = {
    widgetSrc,
    launcher: createLauncher(),
    frame: undefined,
    isOpen: false,
  };
  instance = current;
  render(current);

  const mount = () => {
    // destroy() or another init() may have run while the page was loading.
    if (instance === current) document.body.appendChild(current.launcher);
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
}

function setOpen(isOpen: boolean): void {
  if (!instance) {
    console.warn(`${LOG_PREFIX} Call init() first.`);
    return;
  }
  if (instance.isOpen === isOpen || !instance.launcher.isConnected) return;
  instance.isOpen = isOpen;
  render(instance);
}

function open(): void {
  setOpen(true);
}

function close(): void {
  setOpen(false);
}

function toggle(): void {
  setOpen(!instance?.isOpen);
}

function destroy(): void {
  if (!instance) return;
  instance.launcher.remove();
  instance.frame?.remove();
  instance = undefined;
}

if (window.Parley) {
  console.warn(`${LOG_PREFIX} The loader was included twice; keeping the first one.`);
} else {
  window.Parley = { init, open, close, toggle, destroy };
  const organizationId = currentScript?.dataset.organizationId;
  if (organizationId) init({ organizationId });
}
