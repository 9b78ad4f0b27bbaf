/**
 * Journeys through the operators' inbox, with a visitor on the demo page at
 * the same time: (a) a visitor asks for a human, the operator finds them
 * waiting in the live inbox, writes a note the visitor never sees, answers
 * with a canned response, resolves, and sees the visitor's rating arrive;
 * (b) the operator takes a conversation over from the AI agent, which then
 * stays silent while the operator answers.
 */
import type { FrameLocator, Page } from "playwright-core";
import { describe, expect, inject, test } from "vitest";

import { callAsMember, signIn } from "./dashboard";
import { usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages();

/** A visitor on the demo page who has started a chat and sent `message`. */
async function visitorChat(page: Page, name: string, message: string): Promise<FrameLocator> {
  await page.goto(stack.urls.demo);
  await page.getByRole("button", { name: "Open chat" }).click();
  const widget = page.frameLocator('iframe[title="Parley chat"]');
  await widget.getByLabel("Name").fill(name);
  await widget.getByRole("button", { name: "Start chatting" }).click();
  await widget.getByRole("button", { name: "Start a new chat" }).click();
  await say(widget, message);
  await widget.locator('[data-role="ai"]').last().waitFor({ timeout: 60_000 });
  return widget;
}

async function say(widget: FrameLocator, message: string) {
  const box = widget.getByRole("textbox", { name: "Message" });
  await box.fill(message);
  await box.press("Enter");
  await widget.locator('[data-role="visitor"]', { hasText: message }).waitFor();
}

/** The operator's inbox, opened through the dashboard's navigation. */
async function openInbox(page: Page) {
  await signIn(page, "operator");
  await page
    .getByRole("navigation", { name: "Dashboard" })
    .getByRole("link", { name: "Conversations", exact: true })
    .click();
  // The first visit compiles the route in the dev server.
  await page.getByRole("heading", { level: 1, name: "Conversations" }).waitFor({ timeout: 90_000 });
}

function row(page: Page, name: string) {
  return page.getByTestId("conversation-list").locator("button", { hasText: name });
}

describe("the operators' inbox", () => {
  test("a visitor asks for a human: note, canned reply, resolve, rating", async () => {
    const id = Date.now().toString(36);
    const shortcut = `hello-${id}`;
    const note = `Check order ${id} before promising anything.`;
    await callAsMember("admin", "mutation", "private/cannedResponses:create", {
      title: "Greeting",
      shortcut,
      body: "Hi {{contact.name}}, {{agent.name}} here. Let me look into it.",
    });

    const inbox = await newPage();
    await openInbox(inbox);

    const visitor = await newPage();
    const name = `Nina ${id}`;
    const widget = await visitorChat(visitor, name, "My stove leaks gas.");
    await widget.getByRole("button", { name: "Talk to a human" }).click();
    await widget.locator('[data-role="system"]').waitFor();

    // Live, without a reload: escalated, with how long the visitor has waited.
    const item = row(inbox, name);
    await item.waitFor({ timeout: 30_000 });
    await item.locator('[data-status="escalated"]').waitFor();
    expect(await item.getByTestId("waiting").innerText()).toMatch(/^waiting /);
    expect(await item.getAttribute("data-unread")).toBe("true");

    // The bell's notification opens the conversation (`?c=<id>`).
    await inbox.getByRole("button", { name: /^Notifications/ }).click();
    await inbox
      .getByRole("region", { name: "Notifications panel" })
      .getByRole("link", { name: `${name} asked for a human` })
      .click();
    await inbox.waitForURL((url) => Boolean(url.searchParams.get("c")), { timeout: 30_000 });
    await inbox.getByTestId("conversation-title").filter({ hasText: name }).waitFor();
    expect(await item.getAttribute("aria-current")).toBe("true");
    const contact = inbox.getByRole("complementary", { name: "Contact" });
    await contact.getByText("Browser").waitFor();
    expect(await contact.innerText()).toContain(name);
    // Opening it marks it read.
    await expect.poll(() => item.getAttribute("data-unread")).toBeNull();

    // `?` lists the keyboard shortcuts.
    await inbox.locator("body").press("?");
    const help = inbox.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.getByText("Take over from the AI agent").waitFor();
    await inbox.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });

    // An internal note.
    await inbox.getByRole("tab", { name: "Note" }).click();
    const noteBox = inbox.getByRole("textbox", { name: "Internal note" });
    await noteBox.fill(note);
    await noteBox.press("Enter");
    const noteMessage = inbox.locator('[data-role="note"]', { hasText: note });
    await noteMessage.waitFor();
    expect(await noteMessage.innerText()).toContain("Only your team sees this");

    // A canned reply, through the / picker, with its variables filled.
    await inbox.getByRole("tab", { name: "Reply" }).click();
    const replyBox = inbox.getByRole("textbox", { name: "Reply to the visitor" });
    await replyBox.click();
    await replyBox.pressSequentially(`/hello-${id}`);
    await inbox
      .getByRole("listbox", { name: "Canned responses" })
      .getByRole("option", { name: new RegExp(shortcut) })
      .waitFor();
    await replyBox.press("Enter");
    const reply = "Hi Nina, Oscar Operator here. Let me look into it.";
    await expect.poll(() => replyBox.inputValue()).toBe(reply);
    await replyBox.press("Enter");
    await inbox.locator('[data-role="operator"]:not([data-pending])', { hasText: reply }).waitFor();

    // The visitor sees the reply live, and never the note.
    await widget.locator('[data-role="operator"]', { hasText: reply }).waitFor();
    expect(await widget.locator("body").innerText()).not.toContain(note);

    // Resolve: the visitor is asked for a rating, and the rating reaches the contact panel.
    await inbox.getByRole("button", { name: "Resolve", exact: true }).click();
    await inbox
      .getByTestId("conversation-title")
      .locator("..")
      .locator('[data-status="resolved"]')
      .waitFor();
    await inbox.getByText("Reopen to reply").waitFor();
    const rating = widget.getByRole("form", { name: "Rate this conversation" });
    await rating.waitFor();
    await rating.getByRole("radio", { name: /^5 out of 5/ }).click();
    await rating.getByRole("textbox", { name: "Comment (optional)" }).fill("Quick and kind.");
    await rating.getByRole("button", { name: "Send feedback" }).click();
    await widget.getByText("Thanks for your feedback!").waitFor();

    const csat = inbox.getByTestId("csat");
    await csat.getByRole("img", { name: "5 out of 5" }).waitFor();
    expect(await csat.innerText()).toContain("Quick and kind.");
    expect(await widget.locator("body").innerText()).not.toContain(note);
  });

  test("the operator takes over from the AI agent, which then stays silent", async () => {
    const id = Date.now().toString(36);
    const name = `Theo ${id}`;
    const visitor = await newPage();
    const widget = await visitorChat(visitor, name, "Do you ship to Norway?");

    const inbox = await newPage();
    await openInbox(inbox);
    const item = row(inbox, name);
    await item.waitFor({ timeout: 30_000 });
    await item.locator('[data-status="unresolved"]').waitFor();
    await item.click();
    await inbox.getByTestId("conversation-title").filter({ hasText: name }).waitFor();

    await inbox.getByRole("button", { name: "Take over", exact: true }).click();
    await inbox.getByRole("button", { name: "Hand back to AI", exact: true }).waitFor();
    await inbox
      .locator('[data-role="event"]', { hasText: "took over from the AI agent" })
      .waitFor();

    // The visitor writes again: no AI answer comes, in the widget or in the inbox.
    const aiBefore = await widget.locator('[data-role="ai"]').count();
    await say(widget, "Hello? Anyone there?");
    await inbox.locator('[data-role="visitor"]', { hasText: "Anyone there?" }).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await widget.locator('[data-role="ai"]').count()).toBe(aiBefore);
    expect(await inbox.locator('[data-role="ai"]').count()).toBe(aiBefore);

    const replyBox = inbox.getByRole("textbox", { name: "Reply to the visitor" });
    await replyBox.fill("Yes, I'm here. We ship to Norway in 7 to 10 days.");
    await replyBox.press("Enter");
    await widget
      .locator('[data-role="operator"]', { hasText: "We ship to Norway in 7 to 10 days." })
      .waitFor();
    expect(await widget.locator('[data-role="ai"]').count()).toBe(aiBefore);
  });
});
