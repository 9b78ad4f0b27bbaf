/**
 * The engine on its own: path resolution as Convex does it, the database
 * clock, and the query cache that lets many subscribers share one run
 * (read sets in detail: reactivity.test.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  callerKey,
  canonicalUdfPath,
  Engine,
  stableStringify,
  type Caller,
} from "../src/engine.js";
import { defaultConvexDir } from "../src/index.js";

let engine: Engine;
const admin: Caller = {
  identity: {
    tokenIdentifier: "https://auth.parley.test|admin_org_engine",
    subject: "admin_org_engine",
    issuer: "https://auth.parley.test",
    org_id: "org_engine",
    org_role: "org:admin",
  },
  admin: false,
};
const anonymous: Caller = { identity: null, admin: false };
const settings = {
  udfPath: "public/widgetSettings:getByOrganization",
  args: { organizationId: "org_engine" },
};

beforeAll(async () => {
  engine = await Engine.start({ convexDir: defaultConvexDir(), pollIntervalMs: 0 });
});

afterAll(() => engine.close());

describe("paths", () => {
  test("are canonicalised the way the Convex client does", () => {
    expect(canonicalUdfPath("public/widgetSettings.js:getByOrganization")).toEqual({
      modulePath: "public/widgetSettings",
      exportName: "getByOrganization",
    });
    expect(canonicalUdfPath("messages")).toEqual({ modulePath: "messages", exportName: "default" });
  });

  test("loads the app's components the way their test helpers register them", () => {
    expect(engine.app.components.map((component) => component.name)).toEqual(
      expect.arrayContaining(["rateLimiter", "rateLimiter/batchWorker"]),
    );
    expect(Object.keys(engine.app.modules)).toContain("./convex/public/widgetSettings.ts");
    expect(Object.keys(engine.app.modules)).toContain("./convex/_generated/api.js");
    expect(Object.keys(engine.app.modules).some((key) => key.endsWith(".test.ts"))).toBe(false);
  });

  test("component functions are for admins only", async () => {
    const call = {
      udfPath: "lib:getValue",
      componentPath: "rateLimiter",
      args: { name: "probe", config: { kind: "token bucket", rate: 1, period: 1000 } },
    };
    const refused = await engine.run("query", call, anonymous);
    expect(refused.outcome).toMatchObject({ success: false });
    expect(refused.outcome.success ? "" : refused.outcome.errorMessage).toContain(
      "Only an admin may call functions of component 'rateLimiter'",
    );
    const allowed = await engine.run("query", call, { identity: null, admin: true });
    expect(allowed.outcome).toMatchObject({ success: true, value: { value: 1 } });
  });
});

describe("the database clock", () => {
  test("advances with every commit and is announced to listeners", async () => {
    const announced: bigint[] = [];
    const stop = engine.onCommit((ts) => announced.push(ts));
    const before = await engine.snapshotTs();
    const { outcome } = await engine.run(
      "mutation",
      { udfPath: "private/organizations:bootstrap", args: {} },
      admin,
    );
    expect(outcome).toMatchObject({ success: true });
    const after = await engine.snapshotTs();
    expect(after).toBeGreaterThan(before);
    expect(announced).toEqual([after]);
    expect(engine.latestObservedTs).toBe(after);
    stop();
  });

  test("does not move for a failed mutation", async () => {
    const before = await engine.checkCommits();
    const { outcome } = await engine.run(
      "mutation",
      { udfPath: "private/widgetSettings:update", args: { primaryColor: "red" } },
      anonymous,
    );
    expect(outcome).toMatchObject({ success: false, errorData: { code: "UNAUTHENTICATED" } });
    expect(await engine.checkCommits()).toBe(before);
  });
});

describe("the query cache", () => {
  test("shares one execution per (function, args, identity) until a commit changes what it read", async () => {
    await engine.run("mutation", { udfPath: "private/organizations:bootstrap", args: {} }, admin);
    const runs = engine.queryRuns;
    const { ts, results } = await engine.queryConsistent([
      { call: settings, caller: anonymous },
      { call: { ...settings, args: { organizationId: "org_engine" } }, caller: anonymous },
      { call: settings, caller: admin },
      { call: { ...settings, args: { organizationId: "org_other" } }, caller: anonymous },
    ]);
    expect(ts).toBe(await engine.checkCommits());
    expect(results[1]).toBe(results[0]);
    expect(engine.queryRuns - runs).toBe(3);
    expect(results[0]).toMatchObject({ success: true, value: { organizationId: "org_engine" } });

    await engine.run(
      "mutation",
      { udfPath: "private/widgetSettings:update", args: { agentName: "Memo" } },
      admin,
    );
    const next = await engine.checkCommits();
    expect(next).toBeGreaterThan(ts);
    const fresh = await engine.queryConsistent([
      { call: settings, caller: anonymous },
      { call: { ...settings, args: { organizationId: "org_other" } }, caller: anonymous },
    ]);
    expect(fresh.ts).toBe(next);
    expect(fresh.results[0]).toMatchObject({ success: true, value: { agentName: "Memo" } });
    // Another organization's settings read nothing the update wrote: not run again.
    expect(fresh.results[1]).toBe(results[3]);
    expect(engine.queryRuns - runs).toBe(4);
  });

  test("keys identities by every claim, not only the subject", () => {
    const base = admin.identity!;
    expect(callerKey({ identity: base, admin: false })).not.toBe(
      callerKey({ identity: { ...base, org_id: "org_elsewhere" }, admin: false }),
    );
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });
});
