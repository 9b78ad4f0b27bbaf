/**
 * Journey: a visitor on a customer's website (the demo page) opens the chat,
 * introduces themselves, asks something only the organization's help center
 * knows, watches the agent's answer stream in with its source, and asks for
 * a human. Coming back later, the same visitor finds their conversation.
 */
import { DEMO_WIDGET } from "@parley/dev";
import type { Browser, BrowserContext, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { launchBrowser } from "./harness";

const stack = inject("stack");
const QUESTION = "How long does international delivery take?";
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  // One context: the second visit shares the first one's storage, like a returning visitor.
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
});

/** The demo page with the chat opened through the embed's launcher. */
async function openChat(page: Page): Promise<FrameLocator> {
  await page.goto(stack.urls.demo);
  await page.getByRole("button", { name: "Open chat" }).click();
  return page.frameLocator('iframe[title="Parley chat"]');
}

/** Call a public backend function over Convex's HTTP API, as any client could. */
async function backendQuery(path: string, args: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${stack.urls.backend}/api/query`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ path, args, format: "json" }),
  });
  const body = (await response.json()) as { status: string; value?: unknown };
  if (body.status !== "success") throw new Error(`${path} failed: ${JSON.stringify(body)}`);
  return body.value;
}

describe("a visitor chats with the agent on the demo page", () => {
  test("pre-chat form, a streamed answer citing the help article, then a human", async () => {
    const page = await context.newPage();
    const widget = await openChat(page);

    // The organization's settings: agent name and greeting.
    await widget.getByRole("heading", { name: DEMO_WIDGET.agentName }).waitFor();
    await widget.getByText(DEMO_WIDGET.greeting).waitFor();

    await widget.getByLabel("Name").fill("Vera Visitor");
    await widget.getByLabel("Email").fill("vera@visitor.test");
    await widget.getByRole("button", { name: "Start chatting" }).click();

    // Home: suggestions from the settings, and a way to start.
    for (const suggestion of DEMO_WIDGET.suggestions) {
      await widget.getByRole("button", { name: suggestion }).waitFor();
    }
    await widget.getByRole("button", { name: "Start a new chat" }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();

    // Record every state the agent's reply passes through while it streams.
    const frame = page.frames().find((f) => f.url().startsWith(stack.urls.widget));
    expect(frame).toBeDefined();
    await frame!.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { streamed: string[] }).streamed = seen;
      new MutationObserver(() => {
        document.querySelectorAll('[data-role="ai"] [aria-busy="true"]').forEach((bubble) => {
          const text = bubble.textContent ?? "";
          if (text && seen.at(-1) !== text) seen.push(text);
        });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });

    await widget.getByRole("textbox", { name: "Message" }).fill(QUESTION);
    await widget.getByRole("button", { name: "Send" }).click();
    await widget.locator('[data-role="visitor"]', { hasText: QUESTION }).waitFor();

    // The answer comes from the "Shipping and delivery" article and names it.
    const sources = widget.getByTestId("message-sources");
    await sources.waitFor({ timeout: 60_000 });
    expect(await sources.textContent()).toContain("Shipping and delivery");
    const answer = widget.locator('[data-role="ai"]').last();
    const finalText = (await answer.textContent()) ?? "";
    expect(finalText).toContain(
      "International deliveries outside the EU take 7 to 10 business days",
    );
    expect(
      await answer.getByRole("link", { name: "Shipping and delivery" }).getAttribute("rel"),
    ).toBe("noopener noreferrer");

    // It streamed: the reply was shown partially written before it was complete.
    const streamed = await frame!.evaluate(
      () => (window as unknown as { streamed: string[] }).streamed,
    );
    const partial = streamed.filter((text) => text.length > 0 && !text.includes("Source:"));
    expect(partial.length).toBeGreaterThan(0);
    const firstWords = partial[0]!.trim().split(/\s+/).slice(0, 3).join(" ");
    expect(finalText).toContain(firstWords);

    // Hand over to a human: a system message in the widget…
    await widget.getByRole("button", { name: "Talk to a human" }).click();
    await widget
      .locator('[data-role="system"]', {
        hasText: "A member of the team has been notified and will reply here.",
      })
      .waitFor();
    await widget.getByRole("button", { name: "Talk to a human" }).waitFor({ state: "detached" });

    // …and the backend has the conversation as escalated, for this visitor.
    const sessionToken = await frame!.evaluate(
      (key) => window.localStorage.getItem(key),
      `parley:session:${stack.organizationId}`,
    );
    expect(sessionToken).toMatch(/^[\w-]{43}$/);
    const conversations = (await backendQuery("public/conversations:list", {
      sessionToken,
      paginationOpts: { numItems: 10, cursor: null },
    })) as { page: { status: string; lastMessagePreview?: string }[] };
    expect(conversations.page).toHaveLength(1);
    expect(conversations.page[0]).toMatchObject({
      status: "escalated",
      lastMessagePreview: "A member of the team has been notified and will reply here.",
    });
    const session = (await backendQuery("public/contactSessions:validate", {
      organizationId: stack.organizationId,
      sessionToken,
    })) as { valid: boolean; name?: string; email?: string };
    expect(session).toMatchObject({
      valid: true,
      name: "Vera Visitor",
      email: "vera@visitor.test",
    });
    await page.close();
  });

  test("a second visit reuses the session and lists the earlier conversation", async () => {
    const page = await context.newPage();
    const widget = await openChat(page);

    // No pre-chat form this time: the stored session is still valid.
    await widget.getByText("Chatting as Vera Visitor.").waitFor();
    expect(await widget.getByRole("button", { name: "Start chatting" }).count()).toBe(0);

    await widget.getByRole("button", { name: "Your conversations" }).click();
    const list = widget.getByRole("list", { name: "Your conversations" });
    await list.waitFor();
    const items = list.getByRole("listitem");
    expect(await items.count()).toBe(1);
    expect(await items.first().textContent()).toContain("With our team");

    // Opening it shows the whole earlier exchange.
    await items.first().getByRole("button").click();
    await widget.locator('[data-role="visitor"]', { hasText: QUESTION }).waitFor();
    await widget.getByTestId("message-sources").waitFor();
    await widget.locator('[data-role="system"]').waitFor();

    // Start over forgets the session: back to the pre-chat form.
    await widget.getByRole("button", { name: "Back" }).click();
    await widget.getByRole("button", { name: "Start over" }).click();
    await widget.getByRole("button", { name: "Start chatting" }).waitFor();
    await page.close();
  });
});
