import path from "node:path";

import { defineConfig } from "vitest/config";

// `npm test` at the root collects every package's JSON report from this directory.
const reportDir = process.env.PARLEY_TEST_REPORT_DIR;

export default defineConfig({
  test: {
    // The runtime is a Node server; the functions it loads run in Node too (see README).
    environment: "node",
    include: ["test/**/*.test.ts"],
    // Convex components ship TypeScript sources (`src/component/*.ts`) that the runtime imports.
    server: { deps: { inline: [/@convex-dev\//] } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: reportDir
      ? ["default", ["json", { outputFile: path.join(reportDir, "local-backend.json") }]]
      : ["default"],
  },
});
