import { describe, expect, test, vi } from "vitest";

import { localReply, searchTerms } from "./agent/localResponder";
import {
  acronymCount,
  answers,
  bestSentences,
  hasTerm,
  idf,
  normalizeQuestion,
  queryTerms,
  scorePassage,
  sectionTitles,
  sentenceSupport,
  similarQuestions,
  stem,
  stems,
} from "./relevance";
import { DeltaWriter, MAX_DELTAS_PER_REPLY, words } from "./agent/stream";
import { describeEmbeddingError, EmbeddingResponseError } from "./embeddings";
import {
  chunkText,
  fuseRankings,
  needsEmbedding,
  RETRY_FAILED_MS,
  STALE_PENDING_MS,
} from "./knowledge";

describe("lib/knowledge.chunkText", () => {
  test("keeps paragraphs whole, merges short ones, cuts long ones between sentences", () => {
    expect(chunkText("One.\n\nTwo.\r\n\r\nThree.")).toEqual(["One.\n\nTwo.\n\nThree."]);
    const long = "This sentence is about forty characters. ".repeat(60).trim();
    const chunks = chunkText(long);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1_200);
    expect(chunks.join(" ").replace(/\s+/g, " ")).toBe(long.replace(/\s+/g, " "));
    expect(chunkText("   \n\n  ")).toEqual([]);
  });
});

describe("lib/relevance.queryTerms", () => {
  test("keeps at most 16 terms, the longest, so a distinctive word late in a long question survives", () => {
    const filler =
      "alpha beta gamma delta epsilon zeta theta iota kappa lambda sigma omega red blue green pink";
    const terms = queryTerms(`${filler} tell me about your warranty`).map(({ term }) => term);
    expect(terms).toHaveLength(16);
    expect(terms).toContain(stem("warranty"));
    expect(queryTerms("  what is the  ")).toEqual([]);
  });
});

describe("lib/knowledge.fuseRankings", () => {
  const id = (x: string) => x;
  test("an item both lists rank well beats one only one list found", () => {
    expect(
      fuseRankings(
        [
          ["keyword", "both"],
          ["both", "vector"],
        ],
        id,
      ),
    ).toEqual(["both", "keyword", "vector"]);
  });
  test("equal scores keep the order of first appearance, earlier lists first", () => {
    expect(
      fuseRankings(
        [
          ["a", "b"],
          ["c", "d"],
        ],
        id,
      ),
    ).toEqual(["a", "c", "b", "d"]);
    expect(fuseRankings([[], ["x"]], id)).toEqual(["x"]);
    expect(fuseRankings<string>([[], []], id)).toEqual([]);
  });
});

describe("lib/retrieval.needsEmbedding", () => {
  const key = "model/1536";
  const now = 10 * RETRY_FAILED_MS;
  const source = (status: "pending" | "ready" | "failed", age: number, embeddedWith?: string) => ({
    status,
    embeddedWith,
    updatedAt: now - age,
    chunkCount: 3,
  });
  test("embeds sources without vectors from the configured model", () => {
    expect(needsEmbedding(source("ready", 0), key, now)).toBe(true);
    expect(needsEmbedding(source("ready", 0, "old-model/1536"), key, now)).toBe(true);
    expect(needsEmbedding(source("ready", 0, key), key, now)).toBe(false);
    expect(needsEmbedding({ ...source("ready", 0), chunkCount: 0 }, key, now)).toBe(false);
  });
  test("leaves running jobs alone, and retries failures a day later", () => {
    expect(needsEmbedding(source("pending", STALE_PENDING_MS - 1), key, now)).toBe(false);
    expect(needsEmbedding(source("pending", STALE_PENDING_MS + 1), key, now)).toBe(true);
    expect(needsEmbedding(source("failed", RETRY_FAILED_MS - 1), key, now)).toBe(false);
    expect(needsEmbedding(source("failed", RETRY_FAILED_MS + 1), key, now)).toBe(true);
  });
});

describe("lib/embeddings.describeEmbeddingError", () => {
  test("says what failed and that keyword search still works", () => {
    expect(describeEmbeddingError(new Error("Cannot connect to API: connect ECONNREFUSED"))).toBe(
      "Semantic search is unavailable for this source. The embeddings endpoint failed: " +
        "Cannot connect to API: connect ECONNREFUSED. Its passages are still found by keyword search.",
    );
    expect(describeEmbeddingError(new EmbeddingResponseError("Bad vectors."))).toBe(
      "Semantic search is unavailable for this source. Bad vectors. Its passages are still found by keyword search.",
    );
  });
});

describe("lib/relevance", () => {
  test("stems, irregular forms and generic synonyms make one term of a word's forms", () => {
    expect(stem("charging")).toBe(stem("charge"));
    expect(stem("policies")).toBe(stem("policy"));
    expect(stem("paid")).toBe(stem("pay"));
    expect(stem("package")).toBe(stem("parcel"));
    expect(stems("I want my money back")).toContain(stem("refund"));
    expect(stems("can I send it back?")).toContain(stem("return"));
  });

  test("question terms leave out the words of asking, and search by a prefix of the stem", () => {
    expect(queryTerms("Hi, can you tell me how long charging takes, please?")).toEqual([
      { term: "charg", prefix: "charg", synonyms: [] },
    ]);
    expect(queryTerms("What are your policies?")[0]).toMatchObject({ prefix: "polic" });
  });

  test("IDF weighs rare terms most, and a term no passage has most of all", () => {
    expect(idf(100, 0)).toBeGreaterThan(idf(100, 1));
    expect(idf(100, 1)).toBeGreaterThan(idf(100, 50));
    expect(idf(100, 100)).toBeGreaterThan(0);
  });

  test("coverage is the share of the question's weight a passage holds; BM25 ranks", () => {
    const terms = [
      { term: "kayak", weight: 3 },
      { term: "cost", weight: 1 },
    ];
    const shipping = scorePassage(terms, stems("Express shipping costs $14.95."), 5);
    expect(shipping.coverage).toBeCloseTo(0.25);
    expect(shipping.matched).toEqual(["cost"]);
    const kayaks = scorePassage(terms, stems("Our kayaks cost from $400."), 5);
    expect(kayaks.coverage).toBe(1);
    expect(kayaks.score).toBeGreaterThan(shipping.score);
  });

  test("a five-letter stem matches the longer stems it begins", () => {
    expect(hasTerm(new Set(stems("deliveries")), stem("deliver"))).toBe(true);
    expect(hasTerm(new Set(stems("european union")), stem("europe"))).toBe(true);
    expect(hasTerm(new Set(stems("cardboard")), stem("card"))).toBe(false);
  });

  test("answers need high coverage, or fair coverage with terms together in a sentence", () => {
    expect(answers(0.7, 1)).toBe(true);
    expect(answers(0.5, 2)).toBe(true);
    expect(answers(0.5, 1)).toBe(false);
    expect(answers(0.2, 3)).toBe(false);
    const terms = [
      { term: "sell", weight: 2 },
      { term: "cost", weight: 1 },
    ];
    expect(sentenceSupport("We sell tents. Shipping costs $5.", "", terms)).toBe(1);
    expect(sentenceSupport("We sell tents that cost $5.", "", terms)).toBe(2);
    expect(sentenceSupport("Shipping costs $5.", "What we sell", terms)).toBe(2);
  });

  test("the best sentences are whole, decimals and domains included", () => {
    const terms = [{ term: stem("weighs"), weight: 1 }];
    expect(
      bestSentences("It sleeps two. It weighs 1.9 kg, see acme.com. Floors vary.", terms),
    ).toBe("It weighs 1.9 kg, see acme.com.");
  });

  test("sections are named by the last Markdown heading", () => {
    expect(
      sectionTitles(["# Returns\n\nWithin 30 days.", "More text.", "## Exchanges\nSwap sizes."]),
    ).toEqual(["Returns", "Returns", "Exchanges"]);
  });

  test("rephrasings of a question share one normalized key", () => {
    expect(normalizeQuestion("How do I cancel my orders?")).toBe(normalizeQuestion("cancel order"));
  });
});

describe("lib/relevance: acronyms and similar questions", () => {
  test("an acronym matches the words it abbreviates, digits read as numbers, never filler words", () => {
    const text = stems("Turn on two-factor authentication, or ask a personal trainer.");
    expect(acronymCount(text, "2fa")).toBe(1);
    expect(acronymCount(text, "pt")).toBe(1);
    // A word with vowels is no acronym, and "to a few" is not "2af".
    expect(acronymCount(text, "tap")).toBe(0);
    expect(acronymCount(stems("Go to a few stores."), "2af")).toBe(0);
  });

  test("a question spelling out the article's term by its acronym is covered", () => {
    const passage = stems("Security\nTurn on two-factor authentication under Settings.");
    const terms = queryTerms("How do I enable 2FA?").map(({ term }) => ({ term, weight: 1 }));
    const covered = scorePassage(terms, passage, passage.length);
    expect(covered.matched).toContain("2fa");
  });

  test("similar questions share most of the shorter one's terms", () => {
    const key = (q: string) => normalizeQuestion(q);
    expect(similarQuestions(key("Kayaks?"), key("Do you sell kayaks?"))).toBe(true);
    expect(similarQuestions(key("Can I pay by card?"), key("Can I pay with bitcoin?"))).toBe(false);
    expect(similarQuestions(key("deliveries abroad"), key("Do you deliver abroad?"))).toBe(true);
    expect(similarQuestions("", key("anything"))).toBe(false);
  });
});

describe("lib/agent/localResponder", () => {
  const hit = { sourceId: "s1", title: "Shipping", text: "Orders ship in two days." };

  test("answers with the best passage and its source", () => {
    expect(localReply("when do orders ship?", [hit], "Ava")).toEqual({
      text: "Orders ship in two days.\n\nSource: **Shipping**",
      sourceIds: ["s1"],
      escalate: false,
      unanswered: false,
    });
  });

  test("quotes only the relevant sentences of a long passage", () => {
    const text = `${"Unrelated filler sentence here. ".repeat(20)}Refunds take five days. ${"More filler text. ".repeat(10)}`;
    const reply = localReply("how long do refunds take", [{ ...hit, text }], "Ava");
    expect(reply.text).toMatch(/^Refunds take five days\./);
    expect(reply.text.length).toBeLessThan(200);
  });

  test("hands over on request, greets, thanks, and admits when it does not know", () => {
    expect(localReply("can I speak to a human?", [hit], "Ava").escalate).toBe(true);
    expect(localReply("Hello!", [], "Ava").text).toBe("Hi! I'm Ava. What can I help you with?");
    expect(localReply("thanks", [], "Ava").escalate).toBe(false);
    const unknown = localReply("do you sell gift cards", [], "Ava");
    expect(unknown).toMatchObject({ sourceIds: [], escalate: false, unanswered: true });
    expect(unknown.text).toMatch(/Talk to a human/);
  });

  test("does not answer from a passage that shares only the question's common words", () => {
    // What system/knowledgeBase.search returns for "do you sell kayaks and what do they cost"
    // against a shipping article that mentions costs: "kayak" is in no passage.
    const shipping = {
      ...hit,
      text: "Standard shipping costs $6.95; express shipping costs $14.95.",
      relevance: {
        score: 1.4,
        coverage: 0.16,
        terms: [
          { term: "sell", weight: 2.1, matched: false },
          { term: "kayak", weight: 3.2, matched: false },
          { term: "cost", weight: 1.0, matched: true },
        ],
      },
    };
    const reply = localReply("Do you sell kayaks and what do they cost?", [shipping], "Ava");
    expect(reply).toMatchObject({ sourceIds: [], unanswered: true, escalate: false });
    expect(reply.text).toMatch(/not sure/);
  });

  test("answers from the best-ranked passage whose sentences hold the question's terms together", () => {
    const terms = [
      { term: stem("swap"), weight: 2.1, matched: true },
      { term: stem("boots"), weight: 3.2, matched: false },
      { term: stem("size"), weight: 2.1, matched: true },
    ];
    const scattered = {
      sourceId: "s1",
      title: "Product pages",
      text: "Our size chart is on every product page. You can swap the laces.",
      relevance: { score: 5, coverage: 0.57, terms },
    };
    const together = {
      sourceId: "s2",
      title: "Exchanges",
      text: "To swap a size or colour, start an exchange. Refunds take five days.",
      relevance: { score: 4, coverage: 0.57, terms },
    };
    const reply = localReply(
      "Can I swap my boots for a bigger size?",
      [scattered, together],
      "Ava",
    );
    expect(reply).toMatchObject({ sourceIds: ["s2"], unanswered: false });
    // The sentence that answers, not the whole passage.
    expect(reply.text).toBe(
      "To swap a size or colour, start an exchange.\n\nSource: **Exchanges**",
    );
  });

  test("searches for the meaningful words only", () => {
    expect(searchTerms("How do I reset my password?")).toBe("reset password");
  });
});

describe("lib/agent/stream", () => {
  test("writes the first delta at once, batches the rest, and stops at the length limit", async () => {
    const writes: string[] = [];
    const seqs: number[] = [];
    const writer = new DeltaWriter((seq, d) => {
      seqs.push(seq);
      writes.push(d);
      return Promise.resolve();
    }, 12);
    for (const word of words("one two three four five")) await writer.push(word);
    await writer.flush();
    expect(writes[0]).toBe("one ");
    expect(writes.join("")).toBe("one two thre");
    expect(seqs).toEqual(writes.map((_, index) => index));
    expect(writer.full).toBe(true);
  });

  test("never writes more than MAX_DELTAS_PER_REPLY deltas, and loses no text", async () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const writer = new DeltaWriter((_, d) => Promise.resolve(void writes.push(d)), 100_000);
    const pieces = Array.from({ length: MAX_DELTAS_PER_REPLY * 2 }, (_, i) => `w${i} `);
    for (const piece of pieces) {
      // Past the flush interval every time, so each piece would be its own delta.
      vi.advanceTimersByTime(1_000);
      await writer.push(piece);
    }
    await writer.flush();
    vi.useRealTimers();
    expect(writes).toHaveLength(MAX_DELTAS_PER_REPLY);
    expect(writes.join("")).toBe(pieces.join(""));
  });
});
