/**
 * `pnpm --filter @parley/bench answer-quality [--held-out] [--verbose] [--explain]`: how
 * often the local responder (the agent with no model) answers answerable
 * questions citing the right article, and abstains ("I don't know, let me
 * get a human") on questions no article covers.
 *
 * Runs the real path on the local backend: articles are added with
 * `private/knowledgeBase.addText` (passages, sections, statistics), each
 * question is searched with `system/knowledgeBase.search` exactly as
 * `system/agent.reply` does (limit 3), and answered by `localResponder`.
 * Each help center gets its own organization.
 *
 * Goals: ≥ 95% answered right, ≥ 90% abstained. The development help center
 * (outdoorShop.ts) is what the method was calibrated on; the held-out ones
 * (heldOut.ts, heldOutGym.ts) are evaluated with `--held-out`, only to check
 * the method generalises. Every question it gets wrong is printed (MISS). Prints figures; asserts nothing.
 */
import { internal } from "@parley/backend/api";
import { startLocalBackend } from "@parley/local-backend";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionReference } from "convex/server";

import { api } from "@parley/backend/api";
import { localResponder } from "../../packages/backend/convex/lib/agent/responders";
import type { KnowledgeHit } from "../../packages/backend/convex/lib/agent/localResponder";
import { heldOut } from "./heldOut";
import { heldOutGym } from "./heldOutGym";
import { outdoorShop } from "./outdoorShop";
import type { HelpCenter } from "./types";

const ADMIN_KEY = "answer-quality-bench";
const verbose = process.argv.includes("--verbose");
/** Print each search hit's coverage, BM25 score and term weights (+ matched, - not). */
const explain = process.argv.includes("--explain");
const helpCenters = process.argv.includes("--held-out")
  ? [outdoorShop, heldOut, heldOutGym]
  : [outdoorShop];

/** ConvexHttpClient can call internal functions with an admin key; its types do not say so. */
type AdminClient = ConvexHttpClient & {
  setAdminAuth(key: string, actingAs?: Record<string, unknown>): void;
};
const asQuery = <T>(ref: T) => ref as unknown as FunctionReference<"query">;

const backend = await startLocalBackend({
  port: 0,
  adminKey: ADMIN_KEY,
  log: () => {},
  onFunctionLog: () => {},
});

const percent = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)}%`;

async function evaluate(helpCenter: HelpCenter, index: number) {
  const client = new ConvexHttpClient(backend.url, { logger: false }) as AdminClient;
  const orgId = `org_answer_quality_${index}`;
  client.setAdminAuth(ADMIN_KEY, {
    issuer: "https://auth.parley.test",
    subject: `admin_${orgId}`,
    name: "Bench admin",
    email: `admin@${orgId}.test`,
    org_id: orgId,
    org_role: "org:admin",
    org_name: helpCenter.name,
  });
  await client.mutation(api.private.organizations.bootstrap, {});
  const titles = new Map<string, string>();
  for (const article of helpCenter.articles) {
    const id = await client.mutation(api.private.knowledgeBase.addText, article);
    titles.set(id, article.title);
  }
  const { organizationId } = await client.query(asQuery(internal.system.members.current), {});
  const respond = localResponder(0);

  let answerable = 0;
  let answeredRight = 0;
  let unanswerable = 0;
  let abstained = 0;
  for (const { question, answer } of helpCenter.questions) {
    let text = "";
    const result = await respond(
      {
        agentName: "Ava",
        organizationName: helpCenter.name,
        history: [{ role: "visitor", body: question }],
      },
      {
        search: async (query) => {
          const hits = (await client.query(asQuery(internal.system.knowledgeBase.search), {
            organizationId,
            query,
            limit: 3,
          })) as KnowledgeHit[];
          if (explain) {
            for (const hit of hits) {
              const r = hit.relevance!;
              console.log(
                `      ${hit.title} cov=${r.coverage.toFixed(2)} bm25=${r.score.toFixed(2)} ${r.terms.map((t) => `${t.matched ? "+" : "-"}${t.term}:${t.weight.toFixed(1)}`).join(" ")}`,
              );
            }
          }
          return hits;
        },
        write: async (delta) => {
          text += delta;
        },
      },
    );
    const cited = result.sourceIds.map((id) => titles.get(id) ?? id);
    let ok: boolean;
    if (answer === null) {
      unanswerable++;
      ok = result.unanswered && cited.length === 0;
      if (ok) abstained++;
    } else {
      answerable++;
      ok = !result.unanswered && cited.length === 1 && cited[0] === answer;
      if (ok) answeredRight++;
    }
    if (verbose || !ok) {
      const got = result.unanswered ? "abstained" : `cited ${cited.join(", ") || "nothing"}`;
      console.log(
        `  ${ok ? "ok  " : "MISS"} ${question} → ${got} (expected ${answer ?? "abstain"})`,
      );
      if (verbose) console.log(`       ${text.replace(/\n+/g, " ").slice(0, 200)}`);
    }
  }
  console.log(
    `${helpCenter.name}: ${helpCenter.articles.length} articles, ${helpCenter.questions.length} questions\n` +
      `  answerable answered citing the right article: ${answeredRight}/${answerable} = ${percent(answeredRight, answerable)} (goal ≥ 95%)\n` +
      `  unanswerable where the agent abstained:      ${abstained}/${unanswerable} = ${percent(abstained, unanswerable)} (goal ≥ 90%)`,
  );
}

for (const [index, helpCenter] of helpCenters.entries()) await evaluate(helpCenter, index);
await backend.close();
