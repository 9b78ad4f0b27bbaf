/**
 * The widget's side of the loader protocol (`@parley/widget-protocol`):
 * announces itself, learns the host page (URL, referrer, identify() data,
 * whether the chat is open), and tells the loader about the launcher's look,
 * unread replies and close requests. Outside an iframe (the widget opened
 * directly), it behaves as an always-open chat with no host.
 */
import {
  pack,
  readHostMessage,
  type Identity,
  type LauncherPosition,
  type WidgetMessage,
} from "@parley/widget-protocol";
import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";

import { readParentOrigin } from "./parent-origin";

export type HostPage = { pageUrl: string; referrer: string };

export type HostBridge = {
  /** Inside the loader's iframe (as opposed to opened directly). */
  embedded: boolean;
  /** The embedding page's origin (verified where the browser allows), for the allowed-domains check. */
  hostOrigin: string | undefined;
  /** The host page, once the loader said; for the visitor's session metadata. */
  hostPage: HostPage | undefined;
  /** What the host page passed to `Parley.identify()`. */
  identity: Identity;
  /** Whether the visitor can see the chat right now. */
  open: boolean;
  /** Ask the loader to close the chat. */
  close: () => void;
  /** Tell the loader the launcher's color and side. */
  announceSettings: (color: string, position: LauncherPosition) => void;
  /** A reply arrived: counts as unread while the chat is closed. */
  notifyReply: () => void;
};

const HostBridgeContext = createContext<HostBridge | null>(null);

export function HostBridgeProvider({
  claimedHostOrigin,
  children,
}: {
  claimedHostOrigin: string | undefined;
  children: ReactNode;
}) {
  // Rendered on the client only (see ClientOnly), so `window` is there.
  const [hostOrigin] = useState(() => readParentOrigin(claimedHostOrigin));
  const embedded = hostOrigin !== undefined;
  const [hostPage, setHostPage] = useState<HostPage>();
  const [identity, setIdentity] = useState<Identity>({});
  const [open, setOpen] = useState(!embedded);
  const unread = useRef(0);
  const openRef = useRef(open);

  const send = useCallback(
    (message: WidgetMessage) => {
      // Explicit target origin: only the embedding page can receive this.
      if (hostOrigin) window.parent.postMessage(pack(message), hostOrigin);
    },
    [hostOrigin],
  );

  const applyOpen = useCallback(
    (next: boolean) => {
      openRef.current = next;
      setOpen(next);
      if (next && unread.current > 0) {
        unread.current = 0;
        send({ type: "unread", count: 0 });
      }
    },
    [send],
  );

  useEffect(() => {
    if (!hostOrigin) return;
    const onMessage = (event: MessageEvent) => {
      // Only the page that embeds us, and only well-formed messages of our protocol.
      if (event.source !== window.parent || event.origin !== hostOrigin) return;
      const message = readHostMessage(event.data);
      if (!message) return;
      switch (message.type) {
        case "init":
          setHostPage({ pageUrl: message.pageUrl, referrer: message.referrer });
          setIdentity(message.identity);
          applyOpen(message.open);
          break;
        case "visibility":
          applyOpen(message.open);
          break;
        case "identify":
          setIdentity(message.identity);
          break;
      }
    };
    // Escape inside the frame closes the chat too (the host page never sees keys typed here).
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === "Escape") send({ type: "close" });
    };
    window.addEventListener("message", onMessage);
    window.addEventListener("keydown", onKeyDown);
    send({ type: "ready" });
    return () => {
      window.removeEventListener("message", onMessage);
      window.removeEventListener("keydown", onKeyDown);
    };
  }, [hostOrigin, send, applyOpen]);

  const bridge = useMemo<HostBridge>(
    () => ({
      embedded,
      hostOrigin,
      hostPage,
      identity,
      open,
      close: () => send({ type: "close" }),
      announceSettings: (color, position) => send({ type: "settings", color, position }),
      notifyReply: () => {
        if (openRef.current) return;
        unread.current += 1;
        send({ type: "unread", count: unread.current });
      },
    }),
    [embedded, hostOrigin, hostPage, identity, open, send],
  );

  return <HostBridgeContext value={bridge}>{children}</HostBridgeContext>;
}

export function useHost(): HostBridge {
  const bridge = use(HostBridgeContext);
  if (!bridge) throw new Error("useHost() must be used inside <HostBridgeProvider>.");
  return bridge;
}
