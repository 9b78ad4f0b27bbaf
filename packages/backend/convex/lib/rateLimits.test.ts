import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { createOrganization, setup } from "../../test/setup";
import { RATE_LIMITS, rateLimiter } from "./rateLimits";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The limits keyed by organization: every visitor of a busy site writes them. */
const PER_ORGANIZATION = [
  "createSession",
  "organizationMessages",
  "aiReplies_free",
  "aiReplies_pro",
  "aiReplies_business",
] as const;

describe("lib/rateLimits", () => {
  test("per-organization limits are sharded, with at least 10 units of capacity per shard", () => {
    for (const name of PER_ORGANIZATION) {
      const config: { rate: number; capacity?: number; shards?: number } = RATE_LIMITS[name];
      expect(config.shards, name).toBeGreaterThan(1);
      expect((config.capacity ?? config.rate) / config.shards!, name).toBeGreaterThanOrEqual(10);
    }
    for (const name of Object.keys(RATE_LIMITS)) {
      if (!(PER_ORGANIZATION as readonly string[]).includes(name)) {
        expect(RATE_LIMITS[name as keyof typeof RATE_LIMITS], name).not.toHaveProperty("shards");
      }
    }
  });

  test("a sharded limit never grants more than its capacity, and spreads writes over shards", async () => {
    const t = setup();
    const organization = await createOrganization(t, "org_a");
    const key = organization._id;
    const granted = await t.run(async (ctx) => {
      let ok = 0;
      for (let i = 0; i < 330; i++) {
        if ((await rateLimiter.limit(ctx, "organizationMessages", { key })).ok) ok++;
      }
      return ok;
    });
    expect(granted).toBeLessThanOrEqual(300);
    expect(granted).toBeGreaterThanOrEqual(280);
    const shards = await t.run(async (ctx) => {
      const seen = new Set<number>();
      for (let i = 0; i < 50; i++) {
        seen.add((await rateLimiter.getValue(ctx, "organizationMessages", { key })).shard);
      }
      return seen.size;
    });
    expect(shards).toBeGreaterThan(1);
  });
});
