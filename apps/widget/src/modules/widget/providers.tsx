import type { ReactNode } from "react";
import { ConvexProvider, ConvexReactClient } from "convex/react";

import { env } from "~/env";

// One client for the whole tab. It connects lazily, on first use. The widget
// lives in an iframe on customers' pages: it must never hold up their page's
// unload with a "leave site?" prompt, so the unsaved-changes warning is off.
const convex = env.NEXT_PUBLIC_CONVEX_URL
  ? new ConvexReactClient(env.NEXT_PUBLIC_CONVEX_URL, { unsavedChangesWarning: false })
  : undefined;

/** App-wide client providers. Without a configured backend, children render bare. */
export function Providers({ children }: { children: ReactNode }) {
  if (!convex) return children;
  return <ConvexProvider client={convex}>{children}</ConvexProvider>;
}
