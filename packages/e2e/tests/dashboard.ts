/**
 * The dashboard as the seeded demo members (Ada Admin, Oscar Operator) use
 * it, two ways: signed in in a browser page through the local sign-in, like a
 * person; or calling the backend over Convex's HTTP API with the same kind
 * of token the dashboard gets, to set up or restore state around a journey.
 */
import { DEMO_ORGANIZATION, DEMO_USERS } from "@parley/dev";
import type { Page } from "playwright-core";
import { inject } from "vitest";

export type DemoMember = keyof typeof DEMO_USERS;

/** Sign `member` in on a fresh page and wait for the dashboard's overview. */
export async function signIn(page: Page, member: DemoMember) {
  const stack = inject("stack");
  await page.goto(`${stack.urls.web}/sign-in`);
  await page
    .getByRole("button", { name: `Sign in as ${DEMO_USERS[member].name} in ${DEMO_ORGANIZATION}` })
    .click();
  await page.getByTestId("organization-name").waitFor();
}

/** Go to a section of the dashboard through its navigation. */
export async function openSection(
  page: Page,
  section: "Overview" | "Knowledge base" | "Widget" | "Members" | "Billing",
) {
  await page
    .getByRole("navigation", { name: "Dashboard" })
    .getByRole("link", { name: section, exact: true })
    .click();
  await page.getByRole("heading", { level: 1 }).first().waitFor();
}

async function memberToken(member: DemoMember): Promise<string> {
  const { urls, organizationId } = inject("stack");
  const directory = (await (await fetch(`${urls.web}/api/local-auth/directory`)).json()) as {
    users: { id: string; email: string }[];
  };
  const user = directory.users.find(({ email }) => email === DEMO_USERS[member].email);
  if (!user) throw new Error(`${DEMO_USERS[member].email} is not in the local directory`);
  const session = await fetch(`${urls.web}/api/local-auth/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ userId: user.id, organizationId }),
  });
  const cookie = session.headers.get("set-cookie")?.split(";")[0] ?? "";
  const { token } = (await (
    await fetch(`${urls.web}/api/local-auth/token`, { headers: { cookie } })
  ).json()) as { token: string };
  return token;
}

/** Call a private backend function as `member`, as the dashboard would. */
export async function callAsMember(
  member: DemoMember,
  kind: "query" | "mutation",
  path: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const { urls } = inject("stack");
  const response = await fetch(`${urls.backend}/api/${kind}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${await memberToken(member)}`,
    },
    body: JSON.stringify({ path, args, format: "json" }),
  });
  const body = (await response.json()) as { status: string; value?: unknown };
  if (body.status !== "success") throw new Error(`${path} failed: ${JSON.stringify(body)}`);
  return body.value;
}
