import { reporting } from "@parley/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // One stack and one browser at a time: the journeys share a 2-core machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Pages update live but a busy 2-core machine can take seconds: polls wait up to 15 s.
    expect: { poll: { timeout: 15_000 } },
    ...reporting("e2e"),
  },
});
