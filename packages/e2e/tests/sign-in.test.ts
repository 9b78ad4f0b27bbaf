/**
 * Journey: a member signs in to the dashboard with the local identity
 * provider (no accounts, offline), lands in their organization, signs out;
 * a new user creates an account and organization of their own.
 */
import { DEMO_ORGANIZATION, DEMO_USERS } from "@parley/dev";
import { describe, expect, inject, test } from "vitest";

import { useBrowser } from "./harness";

const stack = inject("stack");
const browser = useBrowser();

type Directory = { users: { id: string; email: string }[] };
const readDirectory = async () =>
  (await (await fetch(`${stack.urls.web}/api/local-auth/directory`)).json()) as Directory;

describe("dashboard sign-in on the local stack", () => {
  test("another site cannot use local sign-in: its cross-origin posts are refused and change nothing", async () => {
    const admin = (await readDirectory()).users.find((u) => u.email === DEMO_USERS.admin.email)!;
    // A page on another origin (the demo site) posts the way a hostile page can without a
    // CORS preflight: a "simple" request, which still carries the browser's cookies.
    const page = await browser().newPage();
    await page.goto(stack.urls.demo);
    await page.evaluate(async (web) => {
      await fetch(`${web}/api/local-auth/directory`, {
        method: "POST",
        mode: "no-cors",
        credentials: "include",
        headers: { "Content-Type": "text/plain" },
        body: JSON.stringify({ type: "user", name: "Mallory", email: "mallory@evil.test" }),
      });
    }, stack.urls.web);
    await page.close();
    expect((await readDirectory()).users.map((u) => u.email)).not.toContain("mallory@evil.test");

    // A sign-in as the admin, sent with another origin: no session cookie, no token.
    const signIn = await fetch(`${stack.urls.web}/api/local-auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: stack.urls.demo },
      body: JSON.stringify({ userId: admin.id, organizationId: stack.organizationId }),
    });
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get("set-cookie")).toBeNull();
  });

  test("signed-out visitors are sent to sign in; the demo admin signs in and out", async () => {
    const page = await browser().newPage();
    await page.goto(stack.urls.web);
    await page.waitForURL("**/sign-in");

    await page
      .getByRole("button", { name: `Sign in as ${DEMO_USERS.admin.name} in ${DEMO_ORGANIZATION}` })
      .click();
    await page.waitForURL(stack.urls.web + "/");
    await expect
      .poll(() => page.getByTestId("organization-name").textContent())
      .toBe(DEMO_ORGANIZATION);
    expect(await page.getByTestId("member-role").textContent()).toBe("admin");
    expect(await page.getByTestId("current-user").textContent()).toBe(DEMO_USERS.admin.name);
    expect(await page.getByText(stack.organizationId).count()).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    // Signed out for real: the dashboard sends us back.
    await page.goto(stack.urls.web);
    await page.waitForURL("**/sign-in");
    await page.close();
  });

  test("the operator sees the same organization with the operator role", async () => {
    const page = await browser().newPage();
    await page.goto(`${stack.urls.web}/sign-in`);
    await page
      .getByRole("button", {
        name: `Sign in as ${DEMO_USERS.operator.name} in ${DEMO_ORGANIZATION}`,
      })
      .click();
    await expect.poll(() => page.getByTestId("member-role").textContent()).toBe("operator");
    expect(await page.getByTestId("organization-name").textContent()).toBe(DEMO_ORGANIZATION);
    await page.close();
  });

  test("a new user creates an account and their own organization", async () => {
    const page = await browser().newPage();
    await page.goto(`${stack.urls.web}/sign-in`);
    await page.getByLabel("Your name").fill("Nina New");
    await page.getByLabel("Email").fill("nina@example.test");
    await page.getByLabel("Organization").fill("Nina's Bikes");
    await page.getByRole("button", { name: "Create and sign in" }).click();
    await expect
      .poll(() => page.getByTestId("organization-name").textContent())
      .toBe("Nina's Bikes");
    expect(await page.getByTestId("member-role").textContent()).toBe("admin");

    // The same email cannot be registered twice.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.getByLabel("Your name").fill("Nina Again");
    await page.getByLabel("Email").fill("nina@example.test");
    await page.getByLabel("Organization").fill("Other");
    await page.getByRole("button", { name: "Create and sign in" }).click();
    // (Next's route announcer is also role="alert"; ours is the paragraph.)
    await expect
      .poll(() => page.locator("p[role=alert]").textContent())
      .toBe("nina@example.test already has an account: pick it from the list.");
    await page.close();
  });
});
