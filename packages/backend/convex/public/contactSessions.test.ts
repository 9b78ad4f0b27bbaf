import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  createOrganization,
  createVisitor,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { api } from "../_generated/api";
import { hashToken } from "../lib/tokens";
import { SESSION_TTL_MS } from "./contactSessions";

const metadata = {
  userAgent: "vitest",
  language: "en-US",
  timezone: "Europe/Paris",
  pageUrl: "https://acme.com/help",
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("public/contactSessions.create", () => {
  test("returns an unguessable token; only its hash is stored, with the visitor's details", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    const { sessionToken, expiresAt } = await t.mutation(api.public.contactSessions.create, {
      organizationId: "org_a",
      name: " Ada ",
      email: "Ada@Example.com",
      metadata,
    });
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(now + SESSION_TTL_MS);

    const sessions = await t.run(async (ctx) => ctx.db.query("contactSessions").collect());
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      tokenHash: await hashToken(sessionToken),
      name: "Ada",
      email: "ada@example.com",
      metadata,
    });
    expect(JSON.stringify(sessions)).not.toContain(sessionToken);

    const second = await createVisitor(t, "org_a");
    expect(second).not.toBe(sessionToken);
  });

  test("enforces the organization's required pre-chat fields and a valid email", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
      preChatFields: { name: "required", email: "required" },
    });
    const before = await snapshotTables(t);
    const create = (args: { name?: string; email?: string }) =>
      errorData(
        t.mutation(api.public.contactSessions.create, {
          organizationId: "org_a",
          metadata,
          ...args,
        }),
      );
    expect(await create({ email: "a@b.co" })).toEqual({
      code: "INVALID_INPUT",
      message: "Please enter your name.",
    });
    expect(await create({ name: "Ada", email: "  " })).toEqual({
      code: "INVALID_INPUT",
      message: "Please enter your email address.",
    });
    expect(await create({ name: "Ada", email: "not-an-email" })).toEqual({
      code: "INVALID_INPUT",
      message: "Please enter a valid email address.",
    });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("rate-limits session creation per organization", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const create = (organizationId: string) =>
      t.mutation(api.public.contactSessions.create, { organizationId, metadata: {} });
    for (let i = 0; i < 120; i++) await create("org_a");
    const error = await errorData(create("org_a"));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(/^Too many requests\. Please try again in \d+ seconds?\.$/);
    // Another organization's widget is unaffected.
    expect((await create("org_b")).sessionToken).toMatch(/^[\w-]{43}$/);
    // The bucket refills with time.
    vi.advanceTimersByTime(60_000);
    expect((await create("org_a")).sessionToken).toMatch(/^[\w-]{43}$/);
  });
});

describe("public/contactSessions.validate and refresh", () => {
  test("a session is valid until it expires, and refresh slides the expiry", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Ada");
    const validate = () =>
      t.query(api.public.contactSessions.validate, { organizationId: "org_a", sessionToken });

    expect(await validate()).toMatchObject({ valid: true, name: "Ada" });

    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    const { expiresAt } = await t.mutation(api.public.contactSessions.refresh, { sessionToken });
    expect(expiresAt).toBe(Date.now() + SESSION_TTL_MS);

    vi.advanceTimersByTime(SESSION_TTL_MS - 1000);
    expect(await validate()).toMatchObject({ valid: true });

    vi.advanceTimersByTime(2000);
    expect(await validate()).toEqual({ valid: false });
    expect(
      await errorData(t.mutation(api.public.contactSessions.refresh, { sessionToken })),
    ).toEqual({
      code: "INVALID_SESSION",
      message: "Your chat session has expired. Please start a new chat.",
    });
  });

  test("unknown and empty tokens are simply invalid; an oversized one is refused", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    for (const sessionToken of ["nope", ""]) {
      expect(
        await t.query(api.public.contactSessions.validate, {
          organizationId: "org_a",
          sessionToken,
        }),
      ).toEqual({
        valid: false,
      });
    }
    expect(
      await errorData(
        t.query(api.public.contactSessions.validate, {
          organizationId: "org_a",
          sessionToken: "x".repeat(10_000),
        }),
      ),
    ).toMatchObject({ code: "INVALID_INPUT" });
  });
});
