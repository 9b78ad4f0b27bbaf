import { reporting } from "@parley/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Convex functions run in a V8 isolate, not Node: edge-runtime is the closest match.
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
    // Convex sets this on every deployment (upload URLs point at it); the local backend does too.
    // VAPI_API_URL: a closed loopback port, so no test reaches Vapi's real API; tests that talk
    // to Vapi start a loopback server (test/vapiServer.ts) and point this at it.
    env: { CONVEX_SITE_URL: "https://parley-test.convex.site", VAPI_API_URL: "http://127.0.0.1:9" },
    include: ["convex/**/*.test.ts", "scripts/**/*.test.ts"],
    // A file's first test also loads every function module (the Vapi server SDK is large);
    // on a shared 2-core machine that alone can pass vitest's 5 s default.
    testTimeout: 30_000,
    ...reporting("backend"),
  },
});
