/**
 * Journey: the admin of a new organization (local sign-in) fills the Free
 * plan's knowledge base: the article that would pass its limit is refused
 * with the upgrade prompt, whose link leads to Billing. Billing shows Free;
 * Voice is offered only on Pro. "Upgrade to Pro" sends a svix-signed Clerk
 * billing event through the backend's real `/webhooks/clerk`: the plan and
 * its limits change live, the refused article is added, and Voice can be
 * switched on and saved. A simulated failed payment then shows the past-due
 * banner.
 */
import { describe, expect, inject, test } from "vitest";

import { usePages } from "./harness";
import { openSection } from "./dashboard";

const stack = inject("stack");
const newPage = usePages();

/** An article of `characters` characters of distinct words. */
const longText = (characters: number) =>
  Array.from({ length: Math.ceil(characters / 8) }, (_, i) => `word${i}`)
    .join(" ")
    .slice(0, characters);

describe("billing in the dashboard (local mode)", () => {
  test("an admin simulates an upgrade, a gated feature unlocks, then a past-due payment shows the banner", async () => {
    const id = Date.now().toString(36);
    const organization = `Bea's Bakery ${id}`;
    const page = await newPage();
    await page.goto(`${stack.urls.web}/sign-in`);
    await page.getByLabel("Your name").fill("Bea Billing");
    await page.getByLabel("Email").fill(`bea-${id}@example.test`);
    await page.getByLabel("Organization").fill(organization);
    await page.getByRole("button", { name: "Create and sign in" }).click();
    await expect.poll(() => page.getByTestId("organization-name").textContent()).toBe(organization);

    // Free: the knowledge base holds 250,000 characters; the third long article would pass it.
    await openSection(page, "Knowledge base");
    const addArticle = async (title: string) => {
      await page.getByRole("button", { name: "Add article", exact: true }).first().click();
      const dialog = page.getByRole("dialog", { name: "Add an article" });
      await dialog.getByLabel("Title").fill(title);
      await dialog.getByLabel("Text").fill(longText(99_000));
      await dialog.getByRole("button", { name: "Add article", exact: true }).click();
      return dialog;
    };
    for (const title of ["Manual part 1", "Manual part 2"]) {
      await (await addArticle(title)).waitFor({ state: "detached" });
    }
    const refused = await addArticle("Manual part 3");
    const prompt = refused.getByTestId("upgrade-prompt");
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain("Upgrade to Pro");
    expect(await prompt.textContent()).toContain("250,000 characters of knowledge-base text");
    expect(await refused.getByTestId("upgrade-link").getAttribute("href")).toBe("/billing");
    await refused.getByTestId("upgrade-link").click();
    await expect.poll(() => page.getByTestId("billing-plan").textContent()).toBe("Free");
    expect(await page.getByTestId("meter-Knowledge-base characters").textContent()).toMatch(
      /19\d,\d{3} \/ 250,000/,
    );

    // Free: Voice is a Pro feature.
    await openSection(page, "Widget");
    await page.getByTestId("voice-upgrade").waitFor();
    expect(await page.locator("#voice-enabled").count()).toBe(0);

    await openSection(page, "Billing");
    await expect.poll(() => page.getByTestId("billing-plan").textContent()).toBe("Free");
    expect(await page.getByTestId("simulate-note").textContent()).toContain("/webhooks/clerk");
    expect(await page.getByTestId("meter-Seats").textContent()).toContain("1 / 5");

    // Upgrade through the signed webhook: the page follows live.
    await page.getByRole("button", { name: "Upgrade to Pro" }).click();
    const outcome = page.getByText(/^(Billing event delivered|Could not simulate the change)$/);
    await outcome.waitFor({ timeout: 60_000 });
    expect(await page.locator("[data-sonner-toast]").first().textContent()).toBe(
      "Billing event delivered",
    );
    await expect.poll(() => page.getByTestId("billing-plan").textContent()).toBe("Pro");
    await expect.poll(() => page.getByTestId("meter-Seats").textContent()).toContain("1 / 20");
    expect(await page.getByTestId("meter-Voice minutes").textContent()).toContain("0 / 500");

    // The refused article now fits.
    await openSection(page, "Knowledge base");
    await (await addArticle("Manual part 3")).waitFor({ state: "detached" });
    await page.getByRole("listitem").filter({ hasText: "Manual part 3" }).waitFor();

    // The gated feature unlocks and saves.
    await openSection(page, "Widget");
    await page.locator("#voice-enabled").click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("All changes saved.").waitFor();
    expect(await page.getByTestId("save-error").count()).toBe(0);
    expect(
      await page.getByRole("switch", { name: "Voice calls" }).getAttribute("aria-checked"),
    ).toBe("true");

    // A failed payment: every page shows the banner; the plan stays during the grace period.
    await openSection(page, "Billing");
    await page.getByRole("button", { name: "Simulate failed payment (past due)" }).click();
    await page.getByTestId("past-due-banner").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("past-due-banner").textContent()).toContain("keeps its plan");
    expect(await page.getByTestId("billing-plan").textContent()).toBe("Pro");
    await openSection(page, "Overview");
    await page.getByTestId("past-due-banner").waitFor();
  });
});
