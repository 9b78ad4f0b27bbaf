import { reporting } from "@parley/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Convex functions run in a V8 isolate, not Node: edge-runtime is the closest match.
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
    include: ["convex/**/*.test.ts", "scripts/**/*.test.ts"],
    // A file's first test also loads every function module (the Vapi server SDK is large);
    // on a shared 2-core machine that alone can pass vitest's 5 s default.
    testTimeout: 30_000,
    ...reporting("backend"),
  },
});
