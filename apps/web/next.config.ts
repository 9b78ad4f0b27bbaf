import type { NextConfig } from "next";

// eslint-disable-next-line no-restricted-properties -- build tooling, not app code (src/env.ts)
const testDistDir = process.env.PARLEY_WEB_DIST_DIR;

const config: NextConfig = {
  reactStrictMode: true,
  // The Clerk sign-in test (src/modules/auth/clerk-sign-in.test.ts) builds its own copy, with
  // test keys baked in, next to the regular build instead of over it; that copy skips the type
  // check, which `typecheck` and the regular build already run on the same sources.
  distDir: testDistDir || ".next",
  typescript: { ignoreBuildErrors: Boolean(testDistDir) },
  // Internal packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: ["@parley/ui", "@parley/backend"],
};

export default config;
