/**
 * Journey: an admin has the dashboard open; a visitor on the demo page asks
 * for a human. The bell in the dashboard's header counts it at once (no
 * reload), the tab title shows it, the panel says who asked and what they
 * wrote, and "Mark all read" clears it for this member only.
 */
import { describe, expect, inject, test } from "vitest";

import { callAsMember, signIn } from "./dashboard";
import { usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages();

type UnreadCount = { count: number; more: boolean };

describe("notifications in the dashboard", () => {
  test("a visitor asking for a human shows up on the admin's bell, live", async () => {
    // Other journeys escalate conversations too: start from "everything read" for both members.
    await callAsMember("admin", "mutation", "private/notifications:markRead", {});
    await callAsMember("operator", "mutation", "private/notifications:markRead", {});

    const dashboard = await newPage();
    await signIn(dashboard, "admin");
    const bell = dashboard.getByRole("button", { name: /^Notifications/ });
    expect(await bell.getAttribute("aria-label")).toBe("Notifications");

    // The visitor, on the customer's site.
    const visitorPage = await newPage();
    await visitorPage.goto(stack.urls.demo);
    await visitorPage.getByRole("button", { name: "Open chat" }).click();
    const widget = visitorPage.frameLocator('iframe[title="Parley chat"]');
    const name = `Nora ${Date.now().toString(36)}`;
    await widget.getByLabel("Name").fill(name);
    await widget.getByRole("button", { name: "Start chatting" }).click();
    await widget.getByRole("button", { name: "Start a new chat" }).click();
    await widget.getByRole("textbox", { name: "Message" }).fill("My tent pole snapped on day one.");
    await widget.getByRole("textbox", { name: "Message" }).press("Enter");
    await widget.locator('[data-role="ai"]').last().waitFor();
    await widget.getByRole("button", { name: "Talk to a human" }).click();
    await widget.locator('[data-role="system"]').waitFor();

    // The dashboard was not reloaded: the count arrives over the live subscription.
    await dashboard.getByRole("button", { name: "Notifications (1 unread)" }).waitFor();
    await expect.poll(() => dashboard.title()).toMatch(/^\(1\) /);

    await bell.click();
    const panel = dashboard.getByRole("region", { name: "Notifications panel" });
    const item = panel.getByRole("listitem").filter({ hasText: `${name} asked for a human` });
    await item.waitFor();
    expect(await item.innerText()).toContain("My tent pole snapped on day one.");
    expect(await item.getAttribute("data-unread")).toBe("true");

    await panel.getByRole("button", { name: "Mark all read" }).click();
    await dashboard.getByRole("button", { name: "Notifications", exact: true }).waitFor();
    await expect.poll(() => dashboard.title()).not.toMatch(/^\(\d+\) /);
    await expect.poll(() => item.getAttribute("data-unread")).toBeNull();

    // Read state is per member: the operator still has it unread.
    expect(
      (await callAsMember(
        "operator",
        "query",
        "private/notifications:unreadCount",
        {},
      )) as UnreadCount,
    ).toEqual({ count: 1, more: false });
  });
});
