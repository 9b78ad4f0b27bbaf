/**
 * Journey: a visitor on a customer's website (the demo page) opens the chat
 * through the embed loader; the widget loads in an iframe for that
 * organization, and closing it leaves the page usable.
 */
import { describe, expect, inject, test } from "vitest";

import { useBrowser } from "./harness";

const stack = inject("stack");
const browser = useBrowser();

describe("the embed on the demo page", () => {
  test("opens the widget in an iframe for the page's organization, lazily", async () => {
    const page = await browser().newPage();
    await page.goto(stack.urls.demo);
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    // Nothing heavy before the visitor asks for it: no iframe yet.
    expect(await page.locator("iframe").count()).toBe(0);

    await launcher.click();
    const frame = page.frameLocator('iframe[title="Parley chat"]');
    await frame.getByRole("heading").first().waitFor();
    const src = await page.locator('iframe[title="Parley chat"]').getAttribute("src");
    expect(new URL(src!).searchParams.get("organizationId")).toBe(stack.organizationId);
    expect(src!.startsWith(stack.urls.widget)).toBe(true);

    await page.getByRole("button", { name: "Close chat" }).click();
    // The host page stays clickable.
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.close();
  });
});
