/**
 * Journey: the admin of a brand-new organization (local sign-in) opens
 * Members, adds a new local user as an operator, and sees them listed; the
 * operator signs in and finds the page read-only; the admin makes them an
 * admin; the Overview's setup checklist ticks "Invite a teammate", then
 * "Test the widget" once the admin chats on the test page it links to.
 */
import { DEMO_ORGANIZATION, DEMO_USERS } from "@parley/dev";
import type { Page } from "playwright-core";
import { describe, expect, inject, test } from "vitest";

import { usePages } from "./harness";
import { openSection, signIn } from "./dashboard";

const stack = inject("stack");
const newPage = usePages();

const step = (page: Page, title: string, state: "done" | "to do") =>
  page.getByRole("list", { name: "Setup checklist" }).getByRole("listitem", {
    name: `${title}: ${state}`,
  });

async function expectReadOnly(page: Page) {
  await page.getByTestId("read-only-notice").waitFor();
  await page.getByRole("list", { name: "Members" }).waitFor();
  expect(await page.getByRole("button", { name: "Add member" }).count()).toBe(0);
  expect(await page.getByRole("combobox").count()).toBe(0);
  expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
}

describe("members in the dashboard", () => {
  test("an admin adds a new operator, the operator sees the page read-only, the admin promotes them", async () => {
    const id = Date.now().toString(36);
    const organization = `Mira's Maps ${id}`;
    const teammate = { name: `Theo Teammate ${id}`, email: `theo-${id}@example.test` };

    // A new user creates an organization: the checklist waits for a teammate.
    const admin = await newPage();
    await admin.goto(`${stack.urls.web}/sign-in`);
    await admin.getByLabel("Your name").fill("Mira Manager");
    await admin.getByLabel("Email").fill(`mira-${id}@example.test`);
    await admin.getByLabel("Organization").fill(organization);
    await admin.getByRole("button", { name: "Create and sign in" }).click();
    await expect
      .poll(() => admin.getByTestId("organization-name").textContent())
      .toBe(organization);
    await step(admin, "Invite a teammate", "to do").waitFor();
    expect(await admin.getByTestId("onboarding-progress").textContent()).toBe("0 of 5 done");

    await openSection(admin, "Members");
    const members = admin.getByRole("list", { name: "Members" });
    await members.waitFor();
    expect(await admin.getByTestId("member-row").count()).toBe(1);
    // The only admin can be neither demoted nor removed, and never removes themselves.
    const ownRole = admin.getByRole("combobox", { name: "Role of Mira Manager" });
    expect(await ownRole.isDisabled()).toBe(true);
    expect(await members.getByText("The only admin").count()).toBe(1);
    expect(await admin.getByRole("button", { name: "Remove Mira Manager" }).count()).toBe(0);

    // Add a new local user as an operator.
    await admin.getByRole("button", { name: "Add member" }).click();
    const dialog = admin.getByRole("dialog", { name: "Add a member" });
    await dialog.getByLabel("Name").fill(teammate.name);
    await dialog.getByLabel("Email").fill(teammate.email);
    expect(await dialog.getByLabel("Role").inputValue()).toBe("operator");
    await dialog.getByRole("button", { name: "Add member" }).click();
    await dialog.waitFor({ state: "detached" });
    await admin.getByText(`Added ${teammate.name} as operator.`).waitFor();
    const row = admin.getByTestId("member-row").filter({ hasText: teammate.name });
    await row.waitFor();
    expect(await row.textContent()).toContain(teammate.email);
    const theirRole = admin.getByRole("combobox", { name: `Role of ${teammate.name}` });
    expect(await theirRole.inputValue()).toBe("operator");
    expect(await admin.getByRole("button", { name: `Remove ${teammate.name}` }).count()).toBe(1);

    // The new operator signs in (the local sign-in now offers them) and can only look.
    const operator = await newPage();
    await operator.goto(`${stack.urls.web}/sign-in`);
    await operator
      .getByRole("button", { name: `Sign in as ${teammate.name} in ${organization}` })
      .click();
    await expect.poll(() => operator.getByTestId("member-role").textContent()).toBe("operator");
    expect(await operator.getByTestId("onboarding-checklist").count()).toBe(0);
    await openSection(operator, "Members");
    await expectReadOnly(operator);
    expect(await operator.getByTestId("member-row").count()).toBe(2);

    // The admin makes them an admin; both roles can now change.
    await theirRole.selectOption("admin");
    await admin.getByText(`${teammate.name} is now an admin.`).waitFor();
    await expect.poll(() => ownRole.isDisabled()).toBe(false);
    expect(await members.getByText("The only admin").count()).toBe(0);
    // The identity provider agrees, so their next token says admin.
    const directory = (await (
      await admin.request.get(`${stack.urls.web}/api/local-auth/members`)
    ).json()) as {
      members: { user: { name: string }; role: string }[];
    };
    expect(directory.members.find((m) => m.user.name === teammate.name)?.role).toBe("admin");
    await operator.reload();
    await operator.getByRole("button", { name: "Add member" }).waitFor();
    await openSection(operator, "Overview");
    await expect.poll(() => operator.getByTestId("member-role").textContent()).toBe("admin");

    // Back on the Overview, the checklist has ticked "Invite a teammate".
    await openSection(admin, "Overview");
    await step(admin, "Invite a teammate", "done").waitFor();
    await step(admin, "Add knowledge", "to do").waitFor();
    expect(await admin.getByTestId("onboarding-progress").textContent()).toBe("1 of 5 done");

    // "Test the widget" opens the real widget on a test page; chatting there ticks the
    // step, but the snippet is not "installed" until a visitor uses it on the customer's site.
    const [tryPage] = await Promise.all([
      admin.waitForEvent("popup"),
      admin.getByRole("link", { name: "Open the test page" }).click(),
    ]);
    await tryPage.getByRole("button", { name: "Open chat" }).click();
    const widget = tryPage.frameLocator('iframe[title="Parley chat"]');
    await widget.getByRole("button", { name: "Start chatting" }).click();
    await step(admin, "Test the widget", "done").waitFor();
    await step(admin, "Install the snippet", "to do").waitFor();
    expect(await admin.getByTestId("onboarding-progress").textContent()).toBe("2 of 5 done");
  }, 240_000);

  test("an operator sees the members read-only", async () => {
    const page = await newPage();
    await signIn(page, "operator");
    await openSection(page, "Members");
    await expectReadOnly(page);
    const rows = page.getByTestId("member-row");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const ada = rows.filter({ hasText: DEMO_USERS.admin.name });
    expect(await ada.getByTestId("member-row-role").textContent()).toBe("admin");
    const self = rows.filter({ hasText: DEMO_USERS.operator.name });
    expect(await self.getByText("You", { exact: true }).count()).toBe(1);
    expect(await page.getByText(DEMO_ORGANIZATION).count()).toBeGreaterThan(0);
  });
});
