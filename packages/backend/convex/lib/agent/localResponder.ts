/**
 * The local responder: Parley's agent when no model is configured. It
 * answers from the organization's knowledge base only when a passage really
 * covers the question (the relevance model of `lib/relevance.ts`: the
 * question's distinctive terms, weighted by IDF, must be in the passage),
 * quoting that passage's best sentences and citing its one source. Otherwise
 * it says it does not know and offers a human, and the question is recorded
 * as a knowledge gap. It hands over when the visitor asks for a person. No
 * model, no network, same UI path.
 */

import {
  answers,
  bestSentences,
  MIN_COVERAGE,
  MIN_FOCUSED_COVERAGE,
  queryTerms,
  sentenceSupport,
} from "../relevance";

/** How well a passage answers the query it was found for (see `system/knowledgeBase.search`). */
export type PassageRelevance = {
  score: number;
  coverage: number;
  terms: { term: string; weight: number; matched: boolean }[];
};

export type KnowledgeHit = {
  sourceId: string;
  title: string;
  text: string;
  section?: string;
  relevance?: PassageRelevance;
};

export type AgentReply = {
  text: string;
  sourceIds: string[];
  /** Source id → the section the answer came from, for cited sources that have one. */
  sections?: Record<string, string>;
  /** The visitor should be handed to a human (the agent then stays silent). */
  escalate: boolean;
  /** The knowledge base does not answer the question: record it as a gap. */
  unanswered: boolean;
};

const ASKS_FOR_HUMAN =
  /\b(human|real person|person|agent|operator|representative|someone from (the )?(team|support)|talk to (a|someone)|speak to (a|someone))\b/i;
const GREETING =
  /^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|bonjour|hola)\b[\s!.,]*$/i;
const THANKS = /^\s*(thanks|thank you|thx|cheers|merci|great,? thanks)\b[\s!.,]*$/i;

export const DONT_KNOW =
  "I'm not sure: I couldn't find an answer to that in our help articles, and I'd rather not guess. " +
  "Would you like to talk to a human? Press **Talk to a human** and someone from the team will reply here.";

/** The words of a question worth searching for. */
export function searchTerms(question: string): string {
  return queryTerms(question)
    .map(({ prefix }) => prefix)
    .join(" ");
}

/** Whether a passage covers the question well enough to answer from it (see `answers`). */
export function covers(hit: KnowledgeHit | undefined): hit is KnowledgeHit {
  if (!hit) return false;
  // A hit without relevance (not from full-text search) is the search's own best guess.
  if (hit.relevance === undefined) return true;
  const { coverage, terms } = hit.relevance;
  const matched = terms.filter((term) => term.matched);
  const context = `${hit.title}\n${hit.section ?? ""}`;
  return answers(coverage, sentenceSupport(hit.text, context, matched));
}

export function localReply(question: string, hits: KnowledgeHit[], agentName: string): AgentReply {
  const reply = (text: string, extra: Partial<AgentReply> = {}): AgentReply => ({
    text,
    sourceIds: [],
    escalate: false,
    unanswered: false,
    ...extra,
  });
  if (ASKS_FOR_HUMAN.test(question)) {
    return reply(
      "Of course. I've let the team know, and someone will reply here as soon as they can.",
      { escalate: true },
    );
  }
  if (GREETING.test(question)) return reply(`Hi! I'm ${agentName}. What can I help you with?`);
  if (THANKS.test(question))
    return reply("You're welcome! Is there anything else I can help with?");
  // The best-ranked passage that covers the question: ranking weighs terms
  // wherever they are, covering asks for them together (see `answers`).
  const best = hits.find(covers);
  if (!best) return reply(DONT_KNOW, { unanswered: true });
  const terms =
    best.relevance?.terms ?? queryTerms(question).map(({ term }) => ({ term, weight: 1 }));
  return reply(`${bestSentences(best.text, terms)}\n\nSource: **${best.title}**`, {
    sourceIds: [best.sourceId],
    ...(best.section ? { sections: { [best.sourceId]: best.section } } : {}),
  });
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Why the local responder did not answer from `hits`, in words an admin can
 * act on ("Test your agent" shows it): which passage came closest, how much
 * of the question it covered against what an answer needs, and which of the
 * question's distinctive terms no passage held.
 */
export function abstentionReason(hits: KnowledgeHit[]): string {
  const best = hits[0];
  if (!best) return "No passage in the knowledge base contains any of the question's terms.";
  const name = best.section ? `${best.title} › ${best.section}` : best.title;
  if (!best.relevance) return `The closest passage, “${name}”, was not judged to answer it.`;
  const missing = best.relevance.terms
    .filter((term) => !term.matched)
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 4)
    .map((term) => `“${term.term}”`);
  return (
    `The closest passage, “${name}”, holds ${percent(best.relevance.coverage)} of the question's ` +
    `weighted terms; an answer needs ${percent(MIN_COVERAGE)} (or ${percent(MIN_FOCUSED_COVERAGE)} ` +
    `with two of them in one sentence).` +
    (missing.length > 0 ? ` Not found in it: ${missing.join(", ")}.` : "")
  );
}
