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
import { SESSION_TTL_MS } from "../lib/sessions";
import { hashToken } from "../lib/tokens";

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
    // The limit is sharded (lib/rateLimits.ts): never more than its capacity of 120, and
    // at most a few refused early while another shard still holds a unit.
    let accepted = 0;
    const refusals: ReturnType<typeof errorData>[] = [];
    for (let i = 0; i < 130; i++) {
      const attempt = create("org_a");
      await attempt.then(
        () => accepted++,
        () => refusals.push(errorData(attempt)),
      );
    }
    expect(accepted).toBeLessThanOrEqual(120);
    expect(accepted).toBeGreaterThanOrEqual(110);
    const error = await refusals[0]!;
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(/^Too many requests\. Please try again in \d+ seconds?\.$/);
    // Another organization's widget is unaffected.
    expect((await create("org_b")).sessionToken).toMatch(/^[\w-]{43}$/);
    // The bucket refills with time.
    vi.advanceTimersByTime(60_000);
    expect((await create("org_a")).sessionToken).toMatch(/^[\w-]{43}$/);
  });
});

describe("public/contactSessions expiry", () => {
  /** A visitor with an open conversation, and the calls that use their session. */
  async function visitor() {
    const t = setup();
    await createOrganization(t, "org_a");
    const sessionToken = await createVisitor(t, "org_a", "Ada");
    const conversationId = await t.mutation(api.public.conversations.create, { sessionToken });
    const validate = () =>
      t.query(api.public.contactSessions.validate, { organizationId: "org_a", sessionToken });
    // A visitor query, as a live subscription of the widget runs it.
    const list = () =>
      t.query(api.public.conversations.list, {
        sessionToken,
        paginationOpts: { numItems: 10, cursor: null },
      });
    const write = () =>
      t.mutation(api.public.conversations.escalate, { sessionToken, conversationId });
    const stored = () =>
      t.run(async (ctx) => (await ctx.db.query("contactSessions").collect())[0]!);
    return { t, sessionToken, validate, list, write, stored };
  }

  test("queries go by the stored marker, set by the session's expiry job; mutations also check the clock", async () => {
    const { t, validate, list, write, stored } = await visitor();
    expect(await validate()).toMatchObject({ valid: true, name: "Ada" });

    // Past the expiry, before the job has run: a query's result depends on data only, so it
    // still answers as a cached result would; a mutation (never cached) refuses by the clock.
    vi.setSystemTime((await stored()).expiresAt + 1);
    expect((await list()).page).toHaveLength(1);
    expect(await errorData(write())).toEqual({
      code: "INVALID_SESSION",
      message: "Your chat session has expired. Please start a new chat.",
    });

    // The job marks the session, which re-runs (and now refuses) every query that read it.
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await stored()).toMatchObject({ expired: true });
    expect(await validate()).toEqual({ valid: false });
    expect(await errorData(list())).toMatchObject({ code: "INVALID_SESSION" });
    expect(await errorData(write())).toMatchObject({ code: "INVALID_SESSION" });
  });

  test("activity extends the session, writing it only once half its lifetime is gone", async () => {
    const { t, sessionToken, validate, list, write, stored } = await visitor();
    const created = await stored();

    // Early activity writes nothing (no write storm on busy sessions).
    vi.advanceTimersByTime(SESSION_TTL_MS / 2 - 60_000);
    await write();
    expect((await stored()).expiresAt).toBe(created.expiresAt);
    expect(await t.mutation(api.public.contactSessions.refresh, { sessionToken })).toEqual({
      expiresAt: created.expiresAt,
    });

    // Past half its lifetime, a mutation slides the expiry a whole lifetime on.
    vi.advanceTimersByTime(120_000);
    const { expiresAt } = await t.mutation(api.public.contactSessions.refresh, { sessionToken });
    expect(expiresAt).toBe(Date.now() + SESSION_TTL_MS);
    expect((await stored()).expiresAt).toBe(expiresAt);

    // At the first expiry the job finds the session extended and follows it.
    vi.advanceTimersByTime(created.expiresAt - Date.now() + 1000);
    await t.finishInProgressScheduledFunctions();
    expect(await stored()).not.toHaveProperty("expired");
    expect(await validate()).toMatchObject({ valid: true });
    expect((await list()).page).toHaveLength(1);
    const jobs = await t.run(async (ctx) => ctx.db.system.query("_scheduled_functions").collect());
    const pending = jobs.filter((job) => job.state.kind === "pending");
    expect(pending.map((job) => [job.name, job.scheduledTime])).toEqual([
      ["system/contactSessions:expire", expiresAt],
    ]);

    // Without further activity it expires then.
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(await validate()).toEqual({ valid: false });
    expect(await errorData(list())).toMatchObject({ code: "INVALID_SESSION" });
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
