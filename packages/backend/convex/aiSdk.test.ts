/**
 * The AI SDK (`ai`, `@ai-sdk/*`, ~1.4 MB) stays out of every module that
 * defines a query or mutation. Convex loads a function's module, and all it
 * imports, on every call: one import there makes each query and mutation of
 * that module load the SDK. Model and embedding calls live in action-only
 * modules (`system/agent.ts`, `system/embeddings.ts`); pure helpers they
 * share with queries and mutations live in SDK-free lib files.
 *
 * A static scan of the import graph through the sources: relative imports
 * are followed (type-only ones are erased by the compiler and skipped), and
 * a bare import of `ai` or `@ai-sdk/…` is a hit. Packages are not followed:
 * none a function module imports (convex, convex-helpers, the rate
 * limiter) depends on the SDK.
 */
import { describe, expect, test } from "vitest";

import { modules } from "../test/setup";

/** Every source under convex/, by path relative to this file (`./lib/knowledge.ts`). */
const sources = import.meta.glob<string>(["./**/*.{ts,js}", "!./**/*.test.ts", "!./**/*.d.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const SDK = /^(ai|@ai-sdk\/.+)$/;

/** `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`, minus type-only ones. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+["']([^"']+)["']/gm,
  )) {
    if (!match[2]) found.push(match[3]!);
  }
  for (const match of source.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(match[1]!);
  for (const match of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(match[1]!);
  return found;
}

function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const base = parts.join("/");
  for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`]) {
    if (candidate in sources) return candidate;
  }
  throw new Error(`${from} imports ${specifier}, which the scan cannot find.`);
}

/** The first import chain from `file` to the AI SDK, or null. */
function pathToSdk(file: string, seen = new Set<string>()): string[] | null {
  if (seen.has(file)) return null;
  seen.add(file);
  for (const specifier of runtimeImports(sources[file]!)) {
    if (SDK.test(specifier)) return [file, specifier];
    if (!specifier.startsWith(".")) continue;
    const chain = pathToSdk(resolve(file, specifier), seen);
    if (chain) return [file, ...chain];
  }
  return null;
}

/** Function modules (the three layers) and what kinds of functions they export. */
async function functionModules() {
  const result: { file: string; kinds: Set<string> }[] = [];
  for (const [key, load] of Object.entries(modules)) {
    if (!/^\.\.\/convex\/(public|private|system)\//.test(key)) continue;
    const exports = (await load()) as Record<string, Record<string, unknown> | undefined>;
    const kinds = new Set<string>();
    for (const value of Object.values(exports)) {
      if (value?.isQuery) kinds.add("query");
      if (value?.isMutation) kinds.add("mutation");
      if (value?.isAction) kinds.add("action");
    }
    if (kinds.size > 0) result.push({ file: key.replace(/^\.\.\/convex\//, "./"), kinds });
  }
  return result;
}

describe("the AI SDK stays out of query and mutation modules", () => {
  test("no module defining a query or mutation imports it, directly or through others", async () => {
    const offenders = (await functionModules())
      .filter(({ kinds }) => kinds.has("query") || kinds.has("mutation"))
      .map(({ file }) => pathToSdk(file))
      .filter((chain) => chain !== null)
      .map((chain) => chain.join(" → "));
    expect(offenders).toEqual([]);
  });

  test("the scan sees the SDK where it is: the action modules that call models", async () => {
    const actionOnly = (await functionModules()).filter(
      ({ kinds }) => !kinds.has("query") && !kinds.has("mutation"),
    );
    expect(actionOnly.map(({ file }) => file)).toEqual(
      expect.arrayContaining(["./system/agent.ts", "./system/embeddings.ts"]),
    );
    expect(pathToSdk("./system/agent.ts")).not.toBeNull();
    expect(pathToSdk("./system/embeddings.ts")).toEqual([
      "./system/embeddings.ts",
      "./lib/embeddings.ts",
      "@ai-sdk/openai",
    ]);
    // Type-only imports are not followed.
    expect(
      runtimeImports('import type { X } from "ai";\nimport { y, type Z } from "./y";'),
    ).toEqual(["./y"]);
  });
});
