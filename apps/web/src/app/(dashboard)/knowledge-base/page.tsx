import type { Metadata } from "next";

import { KnowledgeBaseView } from "~/modules/knowledge-base/knowledge-base-view";

export const metadata: Metadata = { title: "Knowledge base" };

export default function KnowledgeBasePage() {
  return <KnowledgeBaseView />;
}
