/**
 * Full-text search as real Convex does it: only the first 16 terms of a
 * search query count (convex-test, patched; see the package README).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { Engine, type Caller } from "../src/engine.js";
import { FIXTURE_CONVEX_DIR } from "./support.js";

const anyone: Caller = { identity: null, admin: false };

describe("full-text search", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.start({ convexDir: FIXTURE_CONVEX_DIR, onFunctionLog: () => {} });
    const { outcome } = await engine.run(
      "mutation",
      {
        udfPath: "notes:add",
        args: { list: "search", rank: 1, text: "Tents ship within two days" },
      },
      anyone,
    );
    if (!outcome.success) throw new Error(outcome.errorMessage);
    await engine.checkCommits();
  });
  afterAll(() => engine.close());

  async function search(text: string) {
    const { results } = await engine.queryConsistent([
      {
        call: { udfPath: "notes:search", args: { list: "search", text } },
        caller: anyone,
      },
    ]);
    const [result] = results;
    if (!result?.success) throw new Error("notes:search failed");
    return result.value;
  }

  test("uses only the first 16 terms of a query, as Convex does", async () => {
    const fifteen = Array.from({ length: 15 }, (_, i) => `filler${i}`).join(" ");
    expect(await search(`${fifteen} tents`)).toEqual(["Tents ship within two days"]);
    expect(await search(`${fifteen} other tents`)).toEqual([]);
    expect(await search(`tents ${fifteen} other`)).toEqual(["Tents ship within two days"]);
  });
});
