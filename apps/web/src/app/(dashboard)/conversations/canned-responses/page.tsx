import type { Metadata } from "next";

import { CannedResponsesView } from "~/modules/inbox/canned-responses-view";

export const metadata: Metadata = { title: "Canned responses" };

export default function CannedResponsesPage() {
  return <CannedResponsesView />;
}
