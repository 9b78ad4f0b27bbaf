import type { Metadata } from "next";
import { Suspense } from "react";

import { LoadingState } from "~/modules/dashboard/states";
import { KnowledgeBaseView } from "~/modules/knowledge-base/knowledge-base-view";

export const metadata: Metadata = { title: "Knowledge base" };

export default function KnowledgeBasePage() {
  // `?newArticle=` opens the article editor pre-filled: read on the client, behind Suspense.
  return (
    <Suspense fallback={<LoadingState label="Loading articles…" />}>
      <KnowledgeBaseView />
    </Suspense>
  );
}
