/**
 * Seed the demo organization through the product's own front doors: users
 * and the organization in the local identity provider (the dashboard's
 * /api/local-auth), then the backend through the dashboard's Convex
 * functions, signed in as those users. Idempotent: a second start reuses
 * what exists and only fills in what is missing.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { api } from "@parley/backend/api";
import { ConvexHttpClient } from "convex/browser";

import { DEMO_ARTICLES, DEMO_ORGANIZATION, DEMO_USERS, DEMO_WIDGET } from "./demoContent";

type Directory = {
  users: { id: string; email: string }[];
  organizations: { id: string; name: string }[];
  memberships: { userId: string; organizationId: string }[];
};

export type DemoOrganization = {
  organizationId: string;
  adminUserId: string;
  operatorUserId: string;
};

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok)
    throw new Error(`${init?.method ?? "GET"} ${url} failed: ${body.error ?? response.status}`);
  return body;
}

/** A POST as the dashboard's own pages send it: the local-auth routes refuse any other origin. */
const postJson = (webUrl: string, body: unknown, cookie?: string): RequestInit => ({
  method: "POST",
  headers: {
    "Content-Type": "application/json",
    Origin: new URL(webUrl).origin,
    ...(cookie ? { cookie } : {}),
  },
  body: JSON.stringify(body),
});

/** The demo users and organization in the local directory, created if missing. */
async function ensureDirectory(webUrl: string): Promise<DemoOrganization> {
  const directoryUrl = `${webUrl}/api/local-auth/directory`;
  const directory = await call<Directory>(directoryUrl);
  const findUser = (email: string) => directory.users.find((u) => u.email === email)?.id;

  const adminUserId =
    findUser(DEMO_USERS.admin.email) ??
    (
      await call<{ user: { id: string } }>(
        directoryUrl,
        postJson(webUrl, { type: "user", ...DEMO_USERS.admin }),
      )
    ).user.id;
  const organizationId =
    directory.organizations.find(
      (o) =>
        o.name === DEMO_ORGANIZATION &&
        directory.memberships.some((m) => m.organizationId === o.id && m.userId === adminUserId),
    )?.id ??
    (
      await call<{ organization: { id: string } }>(
        directoryUrl,
        postJson(webUrl, {
          type: "organization",
          name: DEMO_ORGANIZATION,
          ownerUserId: adminUserId,
        }),
      )
    ).organization.id;
  const operatorUserId =
    findUser(DEMO_USERS.operator.email) ??
    (
      await call<{ user: { id: string } }>(
        directoryUrl,
        postJson(webUrl, { type: "user", ...DEMO_USERS.operator }),
      )
    ).user.id;
  await call(
    directoryUrl,
    postJson(webUrl, {
      type: "membership",
      userId: operatorUserId,
      organizationId,
      role: "operator",
    }),
  );
  return { organizationId, adminUserId, operatorUserId };
}

/** A Convex client signed in as `userId` through the local identity provider. */
async function signedInClient(
  webUrl: string,
  convexUrl: string,
  userId: string,
  organizationId: string,
) {
  const response = await fetch(
    `${webUrl}/api/local-auth/session`,
    postJson(webUrl, { userId, organizationId }),
  );
  if (!response.ok) throw new Error(`signing in the demo user failed (${response.status})`);
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  const { token } = await call<{ token: string }>(`${webUrl}/api/local-auth/token`, {
    headers: { cookie: cookie ?? "" },
  });
  const client = new ConvexHttpClient(convexUrl);
  client.setAuth(token);
  return client;
}

export async function seedDemo(options: {
  webUrl: string;
  convexUrl: string;
  dataDir: string;
  log: (line: string) => void;
}) {
  const demo = await ensureDirectory(options.webUrl);
  const admin = await signedInClient(
    options.webUrl,
    options.convexUrl,
    demo.adminUserId,
    demo.organizationId,
  );
  const { created } = await admin.mutation(api.private.organizations.bootstrap, {});
  const operator = await signedInClient(
    options.webUrl,
    options.convexUrl,
    demo.operatorUserId,
    demo.organizationId,
  );
  await operator.mutation(api.private.organizations.bootstrap, {});

  if (created) {
    await admin.mutation(api.private.widgetSettings.update, DEMO_WIDGET);
    for (const article of DEMO_ARTICLES)
      await admin.mutation(api.private.knowledgeBase.addText, article);
    options.log(
      `Seeded the demo organization "${DEMO_ORGANIZATION}" (${DEMO_ARTICLES.length} help articles).`,
    );
  } else {
    options.log(`Reusing the demo organization "${DEMO_ORGANIZATION}".`);
  }

  await mkdir(options.dataDir, { recursive: true });
  await writeFile(path.join(options.dataDir, "demo.json"), JSON.stringify(demo, null, 2));
  return demo;
}

/** The demo organization recorded by the last seed, if any. */
export async function readDemo(dataDir: string): Promise<DemoOrganization | null> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, "demo.json"), "utf8")) as DemoOrganization;
  } catch {
    return null;
  }
}
