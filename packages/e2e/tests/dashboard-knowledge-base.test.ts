/**
 * Journey: an admin teaches the assistant something new in the knowledge
 * base; a visitor on the demo page asks about it and gets an answer that
 * cites the new article; the admin removes it again.
 */
import { DEMO_WIDGET } from "@parley/dev";
import { describe, expect, inject, test } from "vitest";

import { usePages } from "./harness";
import { callAsMember, openSection, signIn } from "./dashboard";

const stack = inject("stack");
const newPage = usePages();

type Source = { _id: string; title: string };
async function sourcesTitled(title: string) {
  const { page } = (await callAsMember("admin", "query", "private/knowledgeBase:list", {
    paginationOpts: { numItems: 100, cursor: null },
  })) as { page: Source[] };
  return page.filter((source) => source.title === title);
}

describe("the knowledge base in the dashboard", () => {
  test("an admin adds an article; the widget answers from it and cites it; the admin removes it", async () => {
    const id = Date.now().toString(36);
    const title = `Glowworm lantern ${id}`;
    const url = `https://acme-outdoor.test/gear/glowworm-${id}`;
    const fact = "The Glowworm camping lantern runs for 73 hours on a single set of batteries.";
    try {
      const admin = await newPage();
      await signIn(admin, "admin");
      await openSection(admin, "Knowledge base");
      await admin.getByRole("list", { name: "Knowledge sources" }).waitFor();

      await admin.getByRole("button", { name: "Add article" }).click();
      const dialog = admin.getByRole("dialog", { name: "Add an article" });
      await dialog.getByLabel("Title").fill(title);
      await dialog.getByLabel("Link (optional)").fill(url);
      // Without text the backend refuses, and the dialog shows why.
      await dialog.getByRole("button", { name: "Add article" }).click();
      await expect
        .poll(() => dialog.getByRole("alert").textContent())
        .toBe("The article has no text.");
      await dialog
        .getByLabel("Text")
        .fill(`${fact}\n\nUse three AA batteries; rechargeable ones work too.`);
      await dialog.getByRole("button", { name: "Add article" }).click();
      await dialog.waitFor({ state: "detached" });

      const row = admin.getByRole("listitem").filter({ hasText: title });
      await row.waitFor();
      expect(await row.getByTestId("source-status").textContent()).toBe("Ready");
      expect(await row.getByTestId("chunk-count").textContent()).toMatch(/^\d+ passages?$/);
      expect(await row.getByRole("link", { name: url }).getAttribute("href")).toBe(url);
      expect(await sourcesTitled(title)).toHaveLength(1);

      // A visitor asks about it on the customer's site.
      const visitor = await newPage();
      await visitor.goto(stack.urls.demo);
      await visitor.getByRole("button", { name: "Open chat" }).click();
      const widget = visitor.frameLocator('iframe[title="Parley chat"]');
      await widget.getByRole("heading", { name: DEMO_WIDGET.agentName }).waitFor();
      await widget.getByLabel("Name").fill("Kim Knowledge");
      await widget.getByRole("button", { name: "Start chatting" }).click();
      await widget.getByRole("button", { name: "Start a new chat" }).click();
      await widget
        .getByRole("textbox", { name: "Message" })
        .fill("How many hours does the Glowworm lantern run on batteries?");
      await widget.getByRole("button", { name: "Send" }).click();

      const sources = widget.getByTestId("message-sources");
      await sources.waitFor({ timeout: 60_000 });
      expect(await sources.textContent()).toContain(title);
      const answer = widget.locator('[data-role="ai"]').last();
      expect(await answer.textContent()).toContain("73 hours");
      expect(await answer.getByRole("link", { name: title }).getAttribute("href")).toBe(url);

      // The admin removes it, after confirming.
      await row.getByRole("button", { name: `Remove ${title}` }).click();
      const confirm = admin.getByRole("alertdialog", { name: `Remove “${title}”?` });
      await confirm.getByRole("button", { name: "Remove", exact: true }).click();
      await row.waitFor({ state: "detached" });
      await admin.getByText(`Removed “${title}”.`).waitFor();
      expect(await sourcesTitled(title)).toHaveLength(0);
    } finally {
      for (const source of await sourcesTitled(title)) {
        await callAsMember("admin", "mutation", "private/knowledgeBase:remove", {
          sourceId: source._id,
        });
      }
    }
  });
});
