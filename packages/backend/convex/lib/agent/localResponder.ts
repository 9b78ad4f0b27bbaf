/**
 * The local responder: Parley's agent when no model is configured. It
 * answers from the organization's knowledge base (full-text search) with the
 * best passage and its source, offers a human when nothing matches, and hands
 * over when the visitor asks for one. No model, no network, same UI path.
 */

import { STOP_WORDS } from "../knowledge";

export type KnowledgeHit = { sourceId: string; title: string; text: string };

export type AgentReply = {
  text: string;
  sourceIds: string[];
  /** The visitor should be handed to a human (the agent then stays silent). */
  escalate: boolean;
};

const ASKS_FOR_HUMAN =
  /\b(human|real person|person|agent|operator|representative|someone from (the )?(team|support)|talk to (a|someone)|speak to (a|someone))\b/i;
const GREETING =
  /^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening)|bonjour|hola)\b[\s!.,]*$/i;
const THANKS = /^\s*(thanks|thank you|thx|cheers|merci|great,? thanks)\b[\s!.,]*$/i;

/** The words of a question worth searching for. */
export function searchTerms(question: string): string {
  return question
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .join(" ");
}

/** The sentences of a passage most about the question, in their original order. */
function focus(passage: string, question: string): string {
  const terms = new Set(searchTerms(question).split(" ").filter(Boolean));
  if (passage.length <= 600 || terms.size === 0) return passage;
  const sentences = passage
    .match(/[^.!?\n]+[.!?]*/g)
    ?.map((s) => s.trim())
    .filter(Boolean) ?? [passage];
  const scored = sentences.map((sentence, index) => ({
    sentence,
    index,
    score: sentence
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => terms.has(w)).length,
  }));
  const best = scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, 3)
    .sort((a, b) => a.index - b.index);
  return best.length > 0 ? best.map((s) => s.sentence).join(" ") : passage;
}

export function localReply(question: string, hits: KnowledgeHit[], agentName: string): AgentReply {
  if (ASKS_FOR_HUMAN.test(question)) {
    return {
      text: "Of course. I've let the team know, and someone will reply here as soon as they can.",
      sourceIds: [],
      escalate: true,
    };
  }
  if (GREETING.test(question)) {
    return {
      text: `Hi! I'm ${agentName}. What can I help you with?`,
      sourceIds: [],
      escalate: false,
    };
  }
  if (THANKS.test(question)) {
    return {
      text: "You're welcome! Is there anything else I can help with?",
      sourceIds: [],
      escalate: false,
    };
  }
  const best = hits[0];
  if (!best) {
    return {
      text:
        "I couldn't find an answer to that in our help articles. " +
        "Would you like to talk to a human? Press **Talk to a human** and someone from the team will reply here.",
      sourceIds: [],
      escalate: false,
    };
  }
  return {
    text: `${focus(best.text, question)}\n\nSource: **${best.title}**`,
    sourceIds: [best.sourceId],
    escalate: false,
  };
}
