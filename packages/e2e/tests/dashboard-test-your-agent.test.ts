/**
 * Journey: an admin tries the agent in "Test your agent": a question the
 * help center covers streams an answer citing its passage, with scores; one
 * it does not cover shows why the agent abstained. Then a visitor asks the
 * widget something no article covers, the agent offers a human, and the
 * question shows up under "Knowledge gaps", whose "Add an article" opens the
 * knowledge base's editor with the question as its title.
 */
import { DEMO_WIDGET } from "@parley/dev";
import type { Page } from "playwright-core";
import { describe, expect, inject, test } from "vitest";

import { callAsMember, openSection, signIn } from "./dashboard";
import { usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages();

type Group = { question: string; gapIds: string[] };
async function gapsAsking(question: string): Promise<Group[]> {
  const { groups } = (await callAsMember("admin", "query", "private/knowledgeGaps:groups", {})) as {
    groups: Group[];
  };
  return groups.filter((group) => group.question === question);
}

/**
 * Record each state the playground's answer shows while it is still being
 * written: the typing indicator, then partial text.
 */
async function recordStreaming(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { streamed: string[] }).streamed = seen;
    new MutationObserver(() => {
      const answer = document.querySelector('[data-testid="playground-answer"][aria-busy="true"]');
      const text = answer?.textContent ?? "";
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

describe("Test your agent and knowledge gaps", () => {
  test("covered and uncovered questions in the playground; a visitor's unanswered question becomes a gap with an article to add", async () => {
    // A word no article has, so the question is this run's own.
    const word = `snowmobile${Date.now().toString(36)}`;
    const uncovered = `Do you rent out ${word} trailers?`;
    try {
      const admin = await newPage();
      await signIn(admin, "admin");
      await openSection(admin, "Test your agent");
      await admin.getByRole("heading", { name: "Test your agent" }).waitFor();
      await recordStreaming(admin);

      // A covered question: the answer streams in and cites the shipping passage, with scores.
      await admin
        .getByRole("textbox", { name: "Question", exact: true })
        .fill("How long does international delivery take?");
      await admin.getByRole("button", { name: "Ask", exact: true }).click();
      const answer = admin.getByTestId("playground-answer");
      const cited = admin.locator('[data-testid="passage"][data-cited="true"]');
      await cited.first().waitFor({ timeout: 60_000 });
      expect(await answer.textContent()).toContain("7 to 10 business days");
      expect(await cited.first().textContent()).toContain("Shipping and delivery");
      expect(await cited.first().getByTestId("score").textContent()).toMatch(/^BM25 \d+\.\d\d$/);
      expect(await cited.first().getByTestId("coverage").textContent()).toMatch(/^covers \d+%$/);
      const streamed = await admin.evaluate(
        () => (window as unknown as { streamed: string[] }).streamed,
      );
      // It was shown as being written (the typing indicator, then any partial text) before done.
      expect(streamed.length).toBeGreaterThan(0);
      expect(await admin.getByTestId("abstention-reason").count()).toBe(0);

      // The admin marks it good; it is listed as rated.
      await admin.getByRole("button", { name: "Good answer", exact: true }).click();
      await expect
        .poll(() =>
          admin
            .getByRole("button", { name: "Good answer", exact: true })
            .getAttribute("aria-pressed"),
        )
        .toBe("true");

      // An uncovered question: the agent says it does not know, and the page says why.
      await admin
        .getByRole("textbox", { name: "Question", exact: true })
        .fill("Do you sell kayaks and what do they cost?");
      await admin.getByRole("button", { name: "Ask", exact: true }).click();
      const reason = admin.getByTestId("abstention-reason");
      await reason.waitFor({ timeout: 60_000 });
      expect(await reason.textContent()).toMatch(/closest passage|No passage/);
      expect(await reason.textContent()).toContain("kayak");
      expect(await answer.textContent()).toContain("talk to a human");
      expect(await admin.locator('[data-testid="passage"][data-cited="true"]').count()).toBe(0);
      // Playground questions are no visitor's: they never become knowledge gaps.
      expect(await gapsAsking("Do you sell kayaks and what do they cost?")).toEqual([]);

      // A visitor asks the widget something no article covers.
      const visitor = await newPage();
      await visitor.goto(stack.urls.demo);
      await visitor.getByRole("button", { name: "Open chat" }).click();
      const widget = visitor.frameLocator('iframe[title="Parley chat"]');
      await widget.getByRole("heading", { name: DEMO_WIDGET.agentName }).waitFor();
      await widget.getByLabel("Name").fill("Gus Gap");
      await widget.getByRole("button", { name: "Start chatting" }).click();
      await widget.getByRole("button", { name: "Start a new chat" }).click();
      await widget.getByRole("textbox", { name: "Message" }).fill(uncovered);
      await widget.getByRole("button", { name: "Send" }).click();
      await widget
        .locator('[data-role="ai"]', { hasText: "Would you like to talk to a human?" })
        .waitFor({ timeout: 60_000 });
      await widget.getByRole("button", { name: "Talk to a human" }).waitFor();

      // The question is now a knowledge gap, linked to its conversation.
      await openSection(admin, "Knowledge gaps");
      const gap = admin.getByTestId("gap").filter({ hasText: uncovered });
      await gap.waitFor({ timeout: 30_000 });
      expect(await gap.getByTestId("gap-count").textContent()).toBe("asked 1 time");
      expect(
        await gap.getByRole("link", { name: "Open conversation" }).getAttribute("href"),
      ).toMatch(/^\/conversations\?c=\w+$/);

      // "Add an article" opens the editor with the question as its title.
      await gap.getByRole("link", { name: "Add an article" }).click();
      const dialog = admin.getByRole("dialog", { name: "Add an article" });
      await dialog.waitFor();
      expect(admin.url()).toContain("/knowledge-base?newArticle=");
      expect(await dialog.getByLabel("Title").inputValue()).toBe(uncovered);
    } finally {
      for (const group of await gapsAsking(uncovered)) {
        await callAsMember("admin", "mutation", "private/knowledgeGaps:resolve", {
          gapIds: group.gapIds,
          resolution: "dismissed",
        });
      }
    }
  });
});
