/**
 * Journey: an admin uploads a PDF to the knowledge base; its status moves
 * through the indexing steps to "Ready"; a visitor on the demo page asks
 * something only that PDF says, and the answer cites the PDF's section.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { DEMO_WIDGET } from "@parley/dev";
import { describe, expect, inject, test } from "vitest";

import { callAsMember, openSection, signIn } from "./dashboard";
import { usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages();

const FIXTURE = fileURLToPath(
  new URL("../../backend/test/fixtures/knowledge/warranty.pdf", import.meta.url),
);

type Source = { _id: string; title: string };
async function sourcesTitled(title: string) {
  const { page } = (await callAsMember("admin", "query", "private/knowledgeBase:list", {
    paginationOpts: { numItems: 100, cursor: null },
  })) as { page: Source[] };
  return page.filter((source) => source.title === title);
}

describe("knowledge-base files", () => {
  test("an admin uploads a PDF; it becomes ready; a visitor's answer cites its section", async () => {
    const id = Date.now().toString(36);
    // A name of its own, so parallel or repeated runs never meet.
    const folder = mkdtempSync(path.join(tmpdir(), "parley-e2e-"));
    const file = path.join(folder, `warranty-${id}.pdf`);
    copyFileSync(FIXTURE, file);
    const title = `warranty ${id}`;
    try {
      const admin = await newPage();
      await signIn(admin, "admin");
      await openSection(admin, "Knowledge base");
      await admin.getByTestId("upload-zone").waitFor();

      await admin.getByLabel("Upload files").setInputFiles(file);
      const upload = admin.getByTestId("upload").filter({ hasText: `warranty-${id}.pdf` });
      await expect.poll(() => upload.textContent(), { timeout: 30_000 }).toContain("Uploaded");

      const row = admin.getByTestId("knowledge-source").filter({ hasText: title });
      await row.waitFor();
      // Queued, reading, splitting… then ready: the row follows the source live.
      await expect
        .poll(() => row.getByTestId("source-status").textContent(), { timeout: 60_000 })
        .toBe("Ready");
      expect(await row.getByTestId("chunk-count").textContent()).toBe("5 passages");
      expect(await row.getByRole("button", { name: `Re-index ${title}` }).isEnabled()).toBe(true);

      // A visitor asks what only the PDF's "Repairs abroad" section says.
      const visitor = await newPage();
      await visitor.goto(stack.urls.demo);
      await visitor.getByRole("button", { name: "Open chat" }).click();
      const widget = visitor.frameLocator('iframe[title="Parley chat"]');
      await widget.getByRole("heading", { name: DEMO_WIDGET.agentName }).waitFor();
      await widget.getByLabel("Name").fill("Rita Repairs");
      await widget.getByRole("button", { name: "Start chatting" }).click();
      await widget.getByRole("button", { name: "Start a new chat" }).click();
      await widget
        .getByRole("textbox", { name: "Message" })
        .fill("Outside Europe, do you refund repairs at an outdoor repair shop?");
      await widget.getByRole("button", { name: "Send" }).click();

      const sources = widget.getByTestId("message-sources");
      await sources.waitFor({ timeout: 60_000 });
      expect(await sources.textContent()).toBe(`Sources: ${title} › Warranty › Repairs abroad`);
      const answer = widget.locator('[data-role="ai"]').last();
      expect(await answer.textContent()).toContain("80 euros");
    } finally {
      rmSync(folder, { recursive: true, force: true });
      for (const source of await sourcesTitled(title)) {
        await callAsMember("admin", "mutation", "private/knowledgeBase:remove", {
          sourceId: source._id,
        });
      }
    }
  });
});
