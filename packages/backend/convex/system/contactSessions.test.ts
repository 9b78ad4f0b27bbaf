import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { asAdmin, createOrganization, createVisitor, setup, type Test } from "../../test/setup";
import { api, internal } from "../_generated/api";
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

describe("system/contactSessions.deleteExpired", () => {
  test("deletes expired sessions and what only they refer to; conversations and messages stay with the contact", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    const expiring = await createVisitor(t, "org_a", "Ada");
    const conversationId = await t.mutation(api.public.conversations.create, {
      sessionToken: expiring,
    });
    await t.mutation(api.public.messages.send, {
      sessionToken: expiring,
      conversationId,
      body: "Where is my order?",
    });
    await t.mutation(api.public.typing.set, {
      sessionToken: expiring,
      conversationId,
      typing: true,
    });
    const session = await t.run(async (ctx) => (await ctx.db.query("contactSessions").first())!);
    expect(await t.run(async (ctx) => ctx.db.query("typingIndicators").collect())).toHaveLength(1);

    // A week later, another visitor arrives and stays active.
    vi.setSystemTime(session.expiresAt + 1);
    const live = await createVisitor(t, "org_a", "Bea");
    await t.mutation(internal.system.contactSessions.sweepExpired, {});
    const messagesBefore = await t.run(async (ctx) =>
      ctx.db
        .query("messages")
        .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
        .collect(),
    );

    expect(await t.mutation(internal.system.contactSessions.deleteExpired, {})).toEqual({
      deleted: 1,
      done: true,
    });

    const remaining = await t.run(async (ctx) => ctx.db.query("contactSessions").collect());
    expect(remaining.map((row) => row.name)).toEqual(["Bea"]);
    const typing = await t.run(async (ctx) => ctx.db.query("typingIndicators").collect());
    expect(typing).toEqual([]);
    const conversation = await t.run(async (ctx) => ctx.db.get("conversations", conversationId));
    expect(conversation).toMatchObject({
      organizationId: org._id,
      contact: {
        name: "Ada",
        email: "ada@visitor.test",
        metadata: { userAgent: "vitest", language: "en-US", timezone: "UTC" },
        startedAt: session._creationTime,
      },
    });
    const messagesAfter = await t.run(async (ctx) =>
      ctx.db
        .query("messages")
        .withIndex("by_conversation_id", (q) => q.eq("conversationId", conversationId))
        .collect(),
    );
    expect(messagesAfter).toEqual(messagesBefore);

    // The team still sees who it was; the old token opens nothing; the live visitor is untouched.
    const detail = await asAdmin(t, "org_a").query(api.private.conversations.get, {
      conversationId,
    });
    expect(detail.contact).toMatchObject({ name: "Ada", email: "ada@visitor.test" });
    expect(detail.session.startedAt).toBe(session._creationTime);
    expect(
      await t.query(api.public.contactSessions.validate, {
        organizationId: "org_a",
        sessionToken: expiring,
      }),
    ).toEqual({ valid: false });
    expect(
      await t.query(api.public.contactSessions.validate, {
        organizationId: "org_a",
        sessionToken: live,
      }),
    ).toMatchObject({ valid: true });
    // Nothing left to do on the next run.
    expect(await t.mutation(internal.system.contactSessions.deleteExpired, {})).toEqual({
      deleted: 0,
      done: true,
    });
  });

  test("works through many expired sessions a batch per transaction", async () => {
    const t = setup();
    const org = await createOrganization(t, "org_a");
    await insertSessions(t, org._id, 120, Date.now() - 1);
    await t.mutation(internal.system.contactSessions.sweepExpired, {});
    expect(await expiredCount(t)).toBe(120);
    expect(await t.mutation(internal.system.contactSessions.deleteExpired, {})).toEqual({
      deleted: 50,
      done: false,
    });
    await t.finishAllScheduledFunctions(() => vi.advanceTimersByTime(1));
    const left = await t.run(async (ctx) => ctx.db.query("contactSessions").collect());
    expect(left).toEqual([]);
  });
});
