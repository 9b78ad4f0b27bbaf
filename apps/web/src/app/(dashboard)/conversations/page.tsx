import type { Metadata } from "next";
import { Suspense } from "react";

import { LoadingState } from "~/modules/dashboard/states";
import { InboxView } from "~/modules/inbox/inbox-view";

export const metadata: Metadata = { title: "Conversations" };

export default function ConversationsPage() {
  // The open conversation is in the URL (`?c=`): read on the client, behind Suspense.
  return (
    <Suspense fallback={<LoadingState label="Loading conversations…" />}>
      <InboxView />
    </Suspense>
  );
}
