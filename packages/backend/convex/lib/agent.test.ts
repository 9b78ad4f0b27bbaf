import { describe, expect, test } from "vitest";

import { localReply, searchTerms } from "./agent/localResponder";
import { DeltaWriter, words } from "./agent/stream";
import { describeEmbeddingError, EmbeddingResponseError } from "./embeddings";
import {
  chunkText,
  fuseRankings,
  MAX_SEARCH_TERMS,
  needsEmbedding,
  rankPassages,
  RETRY_FAILED_MS,
  searchQueryTerms,
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

describe("lib/knowledge.searchQueryTerms", () => {
  test("drops stop words, one-letter words, punctuation and repeats, keeping the question's order", () => {
    expect(searchQueryTerms("How do I get a REFUND? A refund, please!")).toEqual([
      "get",
      "refund",
      "please",
    ]);
    expect(searchQueryTerms("  what is the  ")).toEqual([]);
  });

  test("keeps at most 16 terms, the longest, so a distinctive word late in a long question survives", () => {
    const filler =
      "hey um ok yes well then just like okay sure hmm fine good nice cool wow yeah right";
    const terms = searchQueryTerms(`${filler} tell me about your warranty`);
    expect(terms).toHaveLength(MAX_SEARCH_TERMS);
    expect(terms).toContain("warranty");
    // Still in the question's order.
    expect(terms.at(-1)).toBe("warranty");
    expect(terms.indexOf("okay")).toBeLessThan(terms.indexOf("right"));
    // Short filler goes first; among equals the earlier words stay.
    expect(terms).not.toContain("um");
    expect(terms).toContain("hey");
  });
});

describe("lib/knowledge.rankPassages", () => {
  test("puts the passage covering most of the question first, keeping ties in engine order", () => {
    const warranty = { text: "All Acme tents carry a 5-year warranty." };
    const ridge = { text: "The Ridge 2P tent floor measures 215 by 130 cm." };
    const other = { text: "Tent pegs are sold separately." };
    expect(rankPassages("ridge 2p tent floor size", [warranty, other, ridge])).toEqual([
      ridge,
      warranty,
      other,
    ]);
    expect(rankPassages("", [warranty, ridge])).toEqual([warranty, ridge]);
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

describe("lib/agent/localResponder", () => {
  const hit = { sourceId: "s1", title: "Shipping", text: "Orders ship in two days." };

  test("answers with the best passage and its source", () => {
    expect(localReply("when do orders ship?", [hit], "Ava")).toEqual({
      text: "Orders ship in two days.\n\nSource: **Shipping**",
      sourceIds: ["s1"],
      escalate: false,
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
    expect(unknown).toMatchObject({ sourceIds: [], escalate: false });
    expect(unknown.text).toMatch(/Talk to a human/);
  });

  test("searches for the meaningful words only", () => {
    expect(searchTerms("How do I reset my password?")).toBe("reset password");
  });
});

describe("lib/agent/stream", () => {
  test("writes the first delta at once, batches the rest, and stops at the length limit", async () => {
    const writes: string[] = [];
    const writer = new DeltaWriter((d) => Promise.resolve(void writes.push(d)), 12);
    for (const word of words("one two three four five")) await writer.push(word);
    await writer.flush();
    expect(writes[0]).toBe("one ");
    expect(writes.join("")).toBe("one two thre");
    expect(writer.full).toBe(true);
  });
});
