import { reporting } from "@parley/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
    ...reporting("widget"),
  },
});
