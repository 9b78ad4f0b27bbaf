import { useSyncExternalStore, type ReactNode } from "react";

const subscribe = () => () => {};

/**
 * Render `children` only in the browser. The widget reads localStorage and
 * its frame's origin while rendering; the server renders `fallback` instead,
 * and hydration then swaps in the real thing without a mismatch.
 */
export function ClientOnly({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const isClient = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return isClient ? children : fallback;
}
