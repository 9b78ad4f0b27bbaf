import type { Metadata } from "next";

import { KnowledgeGapsView } from "~/modules/knowledge-gaps/knowledge-gaps-view";

export const metadata: Metadata = { title: "Knowledge gaps" };

export default function KnowledgeGapsPage() {
  return <KnowledgeGapsView />;
}
