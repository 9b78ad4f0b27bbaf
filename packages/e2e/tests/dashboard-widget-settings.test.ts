/**
 * Journeys: an admin edits the widget settings in the dashboard and the
 * widget on the demo page (a customer's site) follows; allowed domains lock
 * the widget out of other sites, and an empty list comes with a warning;
 * an operator sees the settings read-only.
 *
 * The demo organization is shared by every test file, so each test puts
 * back what it changed, whatever happens.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, test } from "vitest";

import { usePages } from "./harness";
import { callAsMember, openSection, signIn } from "./dashboard";

const stack = inject("stack");
const newPage = usePages();

type Settings = { greeting: string; allowedDomains: string[] };
const readSettings = async () =>
  (await callAsMember("admin", "query", "private/widgetSettings:get", {})) as Settings;
const updateSettings = (patch: Partial<Settings>) =>
  callAsMember("admin", "mutation", "private/widgetSettings:update", patch);

/** The demo page with its chat opened. */
async function openDemoChat() {
  const page = await newPage();
  await page.goto(stack.urls.demo);
  await page.getByRole("button", { name: "Open chat" }).click();
  return page.frameLocator('iframe[title="Parley chat"]');
}

async function openWidgetSettings(page: Page) {
  await openSection(page, "Widget");
  await page.waitForURL(`${stack.urls.web}/widget`);
  await page.getByRole("heading", { name: "Widget", exact: true }).waitFor();
}

const save = async (page: Page) => {
  await page.getByRole("button", { name: "Save changes" }).click();
};

describe("widget settings in the dashboard", () => {
  test("an admin changes the greeting; the widget on the demo page shows it, live", async () => {
    const original = await readSettings();
    const greeting = `Welcome to Acme's test shop (${Date.now().toString(36)})!`;
    try {
      const page = await newPage();
      await signIn(page, "admin");
      await openWidgetSettings(page);
      const field = page.getByLabel("Greeting", { exact: true });
      await expect.poll(() => field.inputValue()).toBe(original.greeting);

      // The backend refuses an empty greeting; the form shows its reason and keeps the edit.
      await field.fill("   ");
      await page.getByText("Unsaved changes").waitFor();
      await save(page);
      await expect
        .poll(() => page.getByTestId("save-error").textContent())
        .toBe("Greeting cannot be empty.");
      expect(await field.inputValue()).toBe("   ");

      // Leaving with unsaved changes asks first; staying keeps them.
      await page
        .getByRole("navigation", { name: "Dashboard" })
        .getByRole("link", { name: "Knowledge base" })
        .click();
      const leave = page.getByRole("alertdialog", { name: "Leave without saving?" });
      await leave.waitFor();
      await leave.getByRole("button", { name: "Stay on this page" }).click();
      expect(page.url()).toBe(`${stack.urls.web}/widget`);
      expect(await field.inputValue()).toBe("   ");

      await field.fill(greeting);
      await save(page);
      await page.getByText("All changes saved.").waitFor();
      expect(await page.getByText("Unsaved changes").count()).toBe(0);
      expect((await readSettings()).greeting).toBe(greeting);

      // A visitor on the customer's site sees the new greeting…
      const widget = await openDemoChat();
      await widget.getByText(greeting).waitFor();

      // …and the next change reaches the open widget without a reload.
      await field.fill(`${greeting} Ask away.`);
      await save(page);
      await widget.getByText(`${greeting} Ask away.`).waitFor();
    } finally {
      await updateSettings({ greeting: original.greeting });
    }
  });

  test("allowed domains keep the widget off other sites; an empty list warns and allows all", async () => {
    const original = await readSettings();
    const demoHost = new URL(stack.urls.demo).host;
    await updateSettings({ allowedDomains: [] });
    try {
      const page = await newPage();
      await signIn(page, "admin");
      // The empty list is flagged on the overview…
      await page.getByTestId("allowed-domains-warning").waitFor();
      await openWidgetSettings(page);
      // …and on the widget settings.
      const warning = page.getByTestId("allowed-domains-warning");
      await warning.waitFor();

      // A typo is refused with the backend's reason.
      const entry = page.getByLabel("Add a domain");
      await entry.fill("not a domain");
      await page.getByRole("button", { name: "Add domain" }).click();
      await save(page);
      await expect
        .poll(() => page.getByTestId("save-error").textContent())
        .toBe('"not a domain" is not a valid domain, e.g. example.com or *.example.com.');
      await page.getByRole("button", { name: "Remove not a domain" }).click();

      // A pasted URL is saved as its host name; the warning goes.
      await entry.fill("https://Shop.Acme-Outdoor.test/help");
      await entry.press("Enter");
      await save(page);
      await page.getByText("All changes saved.").waitFor();
      const domains = page.getByRole("list", { name: "Allowed domains" });
      expect(await domains.getByRole("listitem").count()).toBe(1);
      await domains.getByText("shop.acme-outdoor.test", { exact: true }).waitFor();
      expect(await warning.count()).toBe(0);
      expect((await readSettings()).allowedDomains).toEqual(["shop.acme-outdoor.test"]);

      // The demo page is not on the list: the widget refuses and says why.
      const refused = await openDemoChat();
      // (Next's route announcer is a p[role=alert] too.)
      const refusal = refused.locator("p[role=alert]:not(#__next-route-announcer__)");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain(`This chat is not enabled on ${demoHost}.`);
      expect(await refused.getByRole("button", { name: "Start chatting" }).count()).toBe(0);

      // Clearing the list brings the warning back, here and on the overview…
      await page.getByRole("button", { name: "Remove shop.acme-outdoor.test" }).click();
      await page.getByText("The list is empty: once you save, every website can embed").waitFor();
      await save(page);
      await page.getByText("All changes saved.").waitFor();
      await warning.waitFor();
      await openSection(page, "Overview");
      await page.getByTestId("allowed-domains-warning").waitFor();
      expect(
        await page
          .getByTestId("allowed-domains-warning")
          .getByRole("link", { name: "Set allowed domains" })
          .getAttribute("href"),
      ).toBe("/widget#allowed-domains");

      // …and the widget works on the demo page again.
      const allowed = await openDemoChat();
      await allowed.getByText((await readSettings()).greeting).waitFor();
      expect(await allowed.locator("p[role=alert]:not(#__next-route-announcer__)").count()).toBe(0);
    } finally {
      await updateSettings({ allowedDomains: original.allowedDomains });
    }
  });

  test("an operator sees the settings and the snippet, but cannot change them", async () => {
    const settings = await readSettings();
    const page = await newPage();
    await page
      .context()
      .grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.urls.web });
    await signIn(page, "operator");
    await openWidgetSettings(page);

    await page.getByTestId("read-only-notice").waitFor();
    expect(await page.getByTestId("read-only-notice").textContent()).toContain(
      "Only admins can change the widget settings.",
    );
    const greeting = page.getByLabel("Greeting", { exact: true });
    await expect.poll(() => greeting.inputValue()).toBe(settings.greeting);
    expect(await greeting.isDisabled()).toBe(true);
    expect(await page.getByLabel("Agent name").isDisabled()).toBe(true);
    // Voice is a Pro feature: on the demo's Free plan the page offers the plan, not a switch.
    await page.getByTestId("voice-upgrade").waitFor();
    expect(await page.getByRole("switch", { name: "Voice calls" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add domain" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);

    // The install snippet names the loader the demo page uses and the organization.
    const snippet = `<script src="${stack.urls.demo}/parley.js" data-organization-id="${stack.organizationId}" async></script>`;
    expect(await page.getByTestId("embed-snippet").textContent()).toBe(snippet);
    await page.getByRole("button", { name: "Copy snippet" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);

    // The knowledge base is read-only too.
    await openSection(page, "Knowledge base");
    await page.getByRole("list", { name: "Knowledge sources" }).waitFor();
    expect(await page.getByTestId("read-only-notice").textContent()).toContain(
      "Only admins can add, re-index or remove sources.",
    );
    expect(await page.getByRole("button", { name: "Add article" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add web page" }).count()).toBe(0);
    expect(await page.getByTestId("upload-zone").count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
  });

  test("an admin uploads a logo; the widget's header shows it, and removing it goes back", async () => {
    // A 1×1 PNG.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
      "base64",
    );
    try {
      const page = await newPage();
      await signIn(page, "admin");
      await openWidgetSettings(page);
      const logoInput = page.getByLabel("Logo", { exact: true });

      // An SVG is refused before anything is uploaded.
      await logoInput.setInputFiles({
        name: "logo.svg",
        mimeType: "image/svg+xml",
        buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      });
      await page.getByText("The logo must be a PNG, JPEG, WebP or GIF image.").waitFor();

      await logoInput.setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
      const current = page.getByRole("img", { name: "Current logo" });
      await current.waitFor();
      const src = await current.getAttribute("src");

      // Visitors load the same file from storage, as a real image.
      const widget = await openDemoChat();
      const headerLogo = widget.locator("header img");
      await headerLogo.waitFor();
      expect(await headerLogo.getAttribute("src")).toBe(src);
      await expect
        .poll(() => headerLogo.evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBe(1);

      // Removing it reaches the open widget live.
      await page.getByRole("button", { name: "Remove logo" }).click();
      await page.getByRole("button", { name: "Upload logo" }).waitFor();
      await expect.poll(() => widget.locator("header img").count()).toBe(0);
    } finally {
      await callAsMember("admin", "mutation", "private/widgetSettings:setLogo", {
        storageId: null,
      });
    }
  });
});
