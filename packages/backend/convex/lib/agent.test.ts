import { describe, expect, test } from "vitest";

import { localReply, searchTerms } from "./agent/localResponder";
import { DeltaWriter, words } from "./agent/stream";
import { chunkText, rankPassages } from "./knowledge";

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
