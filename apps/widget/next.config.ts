import type { NextConfig } from "next";

/**
 * Production builds use webpack (`next build --webpack`, see package.json):
 * for this app it ships about 6 KB gzipped less than Turbopack, mostly because
 * of the rule below, which Turbopack has no equivalent for. `next dev` stays on
 * Turbopack (the empty `turbopack` key says so), where start-up speed matters
 * more than bytes. bench/widget-size.ts measures the production output.
 */
const config: NextConfig = {
  reactStrictMode: true,
  // The browser tests build their own copy (with the test stack's URLs baked in) next to the
  // regular build instead of over it.
  // eslint-disable-next-line no-restricted-properties -- build tooling, not app code (src/env.ts)
  distDir: process.env.PARLEY_WIDGET_DIST_DIR || ".next",
  // Next's development badge would sit on top of the message box in a 400 px iframe.
  devIndicators: false,
  // Internal packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: ["@parley/ui", "@parley/backend", "@parley/widget-protocol"],
  turbopack: {},
  webpack: (webpackConfig: { module: { rules: unknown[] } }) => {
    // convex declares `"sideEffects": false`, but its ESM build sits under a nested
    // package.json ({"type": "module"}) that does not repeat it, so webpack keeps
    // every module it re-exports, e.g. convex/server's system schema and the
    // validators it builds (~2 KB gzipped the widget never runs).
    webpackConfig.module.rules.push({
      test: /[\\/]node_modules[\\/]convex[\\/]dist[\\/]esm[\\/]/,
      sideEffects: false,
    });
    return webpackConfig;
  },
};

export default config;
