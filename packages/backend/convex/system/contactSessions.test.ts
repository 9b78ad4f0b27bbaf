import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { createOrganization, setup, type Test } from "../../test/setup";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { SESSION_TTL_MS } from "../lib/sessions";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Sessions written directly, as if their expiry jobs were lost. */
async function insertSessions(
  t: Test,
  organizationId: Id<"organizations">,
  count: number,
  expiresAt: number,
) {
  await t.run(async (ctx) => {
    for (let i = 0; i < count; i++) {
      await ctx.db.insert("contactSessions", {
        organizationId,
        tokenHash: `hash-${expiresAt}-${i}`,
        metadata: {},
        expiresAt,
      });
    }
  });
}

const expiredCount = (t: Test) =>
  t.run(
    async (ctx) =>
      (await ctx.db.query("contactSessions").collect()).filter((session) => session.expired).length,
  );

describe("system/contactSessions.sweepExpired", () => {
  test("marks sessions past their expiry, in batches, and leaves live ones alone", async () => {
    const t = setup();
    const organization = await createOrganization(t, "org_a");
    await insertSessions(t, organization._id, 250, Date.now() - 1);
    await insertSessions(t, organization._id, 3, Date.now() + SESSION_TTL_MS);

    expect(await t.mutation(internal.system.contactSessions.sweepExpired, {})).toEqual({
      expired: 200,
      done: false,
    });
    // The rest is scheduled right away.
    await t.finishInProgressScheduledFunctions();
    await t.finishAllScheduledFunctions(() => vi.advanceTimersByTime(0));
    expect(await expiredCount(t)).toBe(250);
    expect(await t.mutation(internal.system.contactSessions.sweepExpired, {})).toEqual({
      expired: 0,
      done: true,
    });
  });
});
