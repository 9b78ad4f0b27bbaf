import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import {
  asAdmin,
  createOrganization,
  createVisitor,
  errorData,
  postSession,
  setup,
  snapshotTables,
  startSession,
} from "../../test/setup";
import { api } from "../_generated/api";
import { clientAddress, clientKey } from "../lib/clientAddress";
import { RATE_LIMITS } from "../lib/rateLimits";
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

describe("POST /widget/sessions", () => {
  test("returns an unguessable token; only its hash is stored, with the visitor's details", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const now = Date.now();
    const response = await postSession(
      t,
      { organizationId: "org_a", name: " Ada ", email: "Ada@Example.com", metadata },
      "203.0.113.7",
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const { sessionToken, expiresAt } = (await response.json()) as {
      sessionToken: string;
      expiresAt: number;
    };
    expect(sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(now + SESSION_TTL_MS);

    const sessions = await t.run(async (ctx) => ctx.db.query("contactSessions").collect());
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      tokenHash: await hashToken(sessionToken),
      name: "Ada",
      email: "ada@example.com",
      metadata,
      clientKey: await clientKey("203.0.113.7"),
    });
    expect(JSON.stringify(sessions)).not.toContain(sessionToken);
    // The address itself is never stored, only a hash of it.
    expect(JSON.stringify(sessions)).not.toContain("203.0.113.7");

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
    const create = async (args: { name?: string; email?: string }) => {
      const response = await postSession(t, { organizationId: "org_a", metadata, ...args });
      expect(response.status).toBe(400);
      return (await response.json()) as unknown;
    };
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

  test("refuses what is not a session request, and an unknown organization, writing nothing", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    const post = (init: RequestInit) => t.fetch("/widget/sessions", { method: "POST", ...init });
    const json = { "Content-Type": "application/json" };

    const plain = await post({ body: JSON.stringify({ organizationId: "org_a", metadata }) });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: "INVALID_INPUT" });
    const broken = await post({ headers: json, body: "{not json" });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: "INVALID_INPUT" });
    for (const body of [{}, { organizationId: 7, metadata }, { organizationId: "org_a" }]) {
      const response = await post({ headers: json, body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: "INVALID_INPUT",
        message: "The session request is malformed.",
      });
    }
    const tooLong = await postSession(t, {
      organizationId: "org_a",
      name: "x".repeat(500),
      metadata,
    });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ code: "INVALID_INPUT" });
    const unknown = await postSession(t, { organizationId: "org_nope", metadata });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      code: "NOT_FOUND",
      message: "This support widget is not configured.",
    });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test("a flood from one address is refused while a visitor from another address still gets a session", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const flooder = "203.0.113.66";
    let accepted = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const response = await postSession(t, { organizationId: "org_a", metadata: {} }, flooder);
      if (response.ok) accepted++;
      else refused = response;
    }
    // One address gets its own bucket's capacity (lib/rateLimits.ts), not the organization's.
    expect(accepted).toBe(RATE_LIMITS.createSessionPerAddress.capacity);
    expect(refused!.status).toBe(429);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const error = (await refused!.json()) as { code: string; message: string };
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(/^Too many requests\. Please try again in \d+ seconds?\.$/);

    // Another visitor of the same organization, from another address, is unaffected.
    const other = await startSession(t, { organizationId: "org_a" }, "198.51.100.20");
    expect(other.sessionToken).toMatch(/^[\w-]{43}$/);

    // Entries a client puts before the proxy's own are ignored: the flooder cannot dodge its limit.
    const spoofed = await postSession(
      t,
      { organizationId: "org_a", metadata: {} },
      `10.9.8.7, ${flooder}`,
    );
    expect(spoofed.status).toBe(429);

    // The bucket refills with time.
    vi.advanceTimersByTime(60_000);
    const later = await postSession(t, { organizationId: "org_a", metadata: {} }, flooder);
    expect(later.status).toBe(200);
  });

  test("callers without an address share one limit, apart from everyone else's", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    for (let i = 0; i < RATE_LIMITS.createSessionPerAddress.capacity; i++) {
      expect((await postSession(t, { organizationId: "org_a", metadata: {} }, null)).status).toBe(
        200,
      );
    }
    expect((await postSession(t, { organizationId: "org_a", metadata: {} }, null)).status).toBe(
      429,
    );
    expect((await postSession(t, { organizationId: "org_a", metadata: {} })).status).toBe(200);
  });

  test("conversations and messages count against the address across its sessions", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const address = "203.0.113.99";
    let created = 0;
    let error: { code: string } | undefined;
    // Each session may start 5 conversations; the address only its own capacity in all.
    for (let session = 0; session < 12 && !error; session++) {
      const { sessionToken } = await startSession(t, { organizationId: "org_a" }, address);
      for (let i = 0; i < 5 && !error; i++) {
        const attempt = t.mutation(api.public.conversations.create, { sessionToken });
        await attempt.then(
          () => created++,
          async () => (error = await errorData(attempt)),
        );
      }
    }
    expect(created).toBe(RATE_LIMITS.createConversationPerAddress.capacity);
    expect(error).toMatchObject({ code: "RATE_LIMITED" });
    // A visitor elsewhere still starts conversations.
    const elsewhere = await createVisitor(t, "org_a");
    await t.mutation(api.public.conversations.create, { sessionToken: elsewhere });
  });

  test("a session made on another organization's widget opens nothing here", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const { sessionToken } = await startSession(t, { organizationId: "org_b" });
    const stored = await t.run(
      async (ctx) => (await ctx.db.query("contactSessions").collect())[0]!,
    );
    const orgB = await t.run(async (ctx) =>
      ctx.db
        .query("organizations")
        .withIndex("by_external_id", (q) => q.eq("externalId", "org_b"))
        .unique(),
    );
    expect(stored.organizationId).toBe(orgB!._id);
    expect(
      await t.query(api.public.contactSessions.validate, { organizationId: "org_a", sessionToken }),
    ).toEqual({ valid: false });
  });

  test("answers the widget's CORS preflight; PARLEY_WIDGET_ORIGIN narrows it to the widget", async () => {
    const t = setup();
    const preflight = await t.fetch("/widget/sessions", {
      method: "OPTIONS",
      headers: { Origin: "https://widget.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("Content-Type");
    vi.stubEnv("PARLEY_WIDGET_ORIGIN", "https://widget.example/");
    try {
      const narrowed = await t.fetch("/widget/sessions", { method: "OPTIONS" });
      expect(narrowed.headers.get("access-control-allow-origin")).toBe("https://widget.example");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("client addresses", () => {
  const request = (headers: Record<string, string>) =>
    new Request("https://site.test/widget/sessions", { headers });

  test("the last X-Forwarded-For entry is the caller; another header can be configured", () => {
    expect(clientAddress(request({ "X-Forwarded-For": "1.2.3.4" }))).toBe("1.2.3.4");
    expect(clientAddress(request({ "X-Forwarded-For": "6.6.6.6, 1.2.3.4 " }))).toBe("1.2.3.4");
    expect(clientAddress(request({}))).toBeNull();
    vi.stubEnv("PARLEY_CLIENT_ADDRESS_HEADER", "CF-Connecting-IP");
    try {
      expect(
        clientAddress(request({ "CF-Connecting-IP": "5.6.7.8", "X-Forwarded-For": "1.2.3.4" })),
      ).toBe("5.6.7.8");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  test("keys are hashes; an IPv6 client is keyed by its /64, an IPv4-mapped one as IPv4", async () => {
    const key = await clientKey("2001:db8:1:2::1");
    expect(key).toMatch(/^address:[0-9a-f]{32}$/);
    expect(await clientKey("2001:0db8:0001:0002:ffff:1:2:3")).toBe(key);
    expect(await clientKey("2001:db8:1:3::1")).not.toBe(key);
    expect(await clientKey("::ffff:192.0.2.1")).toBe(await clientKey("192.0.2.1"));
    expect(await clientKey("192.0.2.1")).not.toBe(await clientKey("192.0.2.2"));
    expect(await clientKey(null)).toBe("unknown");
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
