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
  section:
    | "Overview"
    | "Knowledge base"
    | "Test your agent"
    | "Knowledge gaps"
    | "Widget"
    | "Members"
    | "Billing",
) {
  await page
    .getByRole("navigation", { name: "Dashboard" })
    .getByRole("link", { name: section, exact: true })
    .click();
  await page.getByRole("heading", { level: 1 }).first().waitFor();
}

/** The local directory's user for a demo member. */
async function directoryUser(member: DemoMember): Promise<{ id: string; email: string }> {
  const { urls } = inject("stack");
  const directory = (await (await fetch(`${urls.web}/api/local-auth/directory`)).json()) as {
    users: { id: string; email: string }[];
  };
  const user = directory.users.find(({ email }) => email === DEMO_USERS[member].email);
  if (!user) throw new Error(`${DEMO_USERS[member].email} is not in the local directory`);
  return user;
}

async function memberToken(member: DemoMember): Promise<string> {
  const { urls } = inject("stack");
  const user = await directoryUser(member);
  const cookie = await memberCookie(user.id);
  const { token } = (await (
    await fetch(`${urls.web}/api/local-auth/token`, { headers: { cookie } })
  ).json()) as { token: string };
  return token;
}

/** Call a private backend function as `member`, as the dashboard would. */
export async function callAsMember(
  member: DemoMember,
  kind: "query" | "mutation" | "action",
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

/** The local sign-in's session cookie for a directory user, in the demo organization. */
async function memberCookie(userId: string): Promise<string> {
  const { urls, organizationId } = inject("stack");
  const session = await fetch(`${urls.web}/api/local-auth/session`, {
    method: "POST",
    // As the dashboard's own page sends it: the local-auth routes refuse other origins.
    headers: { "Content-Type": "application/json", Origin: urls.web },
    body: JSON.stringify({ userId, organizationId }),
  });
  return session.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/**
 * Move the demo organization to `plan` the way the Billing page's "simulate
 * plan change" does: the dashboard posts a svix-signed Clerk event to the
 * local backend's `http.ts`.
 */
export async function simulatePlan(plan: "free" | "pro" | "business") {
  const { urls } = inject("stack");
  const admin = await directoryUser("admin");
  const response = await fetch(`${urls.web}/api/local-billing`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Origin: urls.web,
      cookie: await memberCookie(admin.id),
    },
    body: JSON.stringify({ plan, status: "active" }),
  });
  if (!response.ok) throw new Error(`simulating ${plan} failed: ${await response.text()}`);
}
