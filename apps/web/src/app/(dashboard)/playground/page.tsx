import type { Metadata } from "next";

import { PlaygroundView } from "~/modules/playground/playground-view";

export const metadata: Metadata = { title: "Test your agent" };

export default function PlaygroundPage() {
  return <PlaygroundView />;
}
