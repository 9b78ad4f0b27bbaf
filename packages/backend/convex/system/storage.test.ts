import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { asAdmin, createOrganization, setup } from "../../test/setup";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { ORPHAN_AGE_MS } from "./storage";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const store = (t: ReturnType<typeof setup>) =>
  t.run(async (ctx) => ctx.storage.store(new Blob([new Uint8Array(8)], { type: "image/png" })));
const files = (t: ReturnType<typeof setup>) =>
  t.run(async (ctx) => (await ctx.db.system.query("_storage").collect()).map((file) => file._id));

describe("system/storage.sweepOrphans", () => {
  test("deletes day-old uploads nothing refers to; keeps logos and recent uploads", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const url = new URL(
      await asAdmin(t, "org_a").mutation(api.private.widgetSettings.generateLogoUploadUrl, {}),
    );
    const response = await t.fetch(`${url.pathname}${url.search}`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(8),
    });
    const logo = ((await response.json()) as { storageId: Id<"_storage"> }).storageId;
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, { storageId: logo });
    const abandoned = await store(t);

    // A fresh upload may still be on its way to setLogo: kept.
    await t.mutation(internal.system.storage.sweepOrphans, {});
    expect(await files(t)).toEqual([logo, abandoned]);

    vi.advanceTimersByTime(ORPHAN_AGE_MS + 1);
    const recent = await store(t);
    expect(await t.mutation(internal.system.storage.sweepOrphans, {})).toEqual({
      deleted: 1,
      done: true,
    });
    expect(await files(t)).toEqual([logo, recent]);
  });

  test("works through storage in batches, scheduling the rest", async () => {
    const t = setup();
    for (let i = 0; i < 130; i++) await store(t);
    vi.advanceTimersByTime(ORPHAN_AGE_MS + 1);
    expect(await t.mutation(internal.system.storage.sweepOrphans, {})).toEqual({
      deleted: 100,
      done: false,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await files(t)).toEqual([]);
  });
});
