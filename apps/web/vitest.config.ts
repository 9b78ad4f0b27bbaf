import { fileURLToPath } from "node:url";

import { reporting } from "@parley/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    ...reporting("web"),
  },
});
