/**
 * Bundles src/loader.ts into dist/parley.js: one minified, dependency-free IIFE
 * that customers paste on their site. `--watch` rebuilds on change.
 *
 * PARLEY_WIDGET_URL sets the default widget origin baked into the bundle (a
 * script tag's `data-widget-url` still wins at runtime).
 */
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const widgetUrl = process.env.PARLEY_WIDGET_URL?.trim() || "http://localhost:3001";

if (!URL.canParse(widgetUrl) || !/^https?:$/.test(new URL(widgetUrl).protocol)) {
  console.error(`PARLEY_WIDGET_URL must be an http(s) URL, got "${widgetUrl}".`);
  process.exit(1);
}

/** @type {import("esbuild").BuildOptions} */
const options = {
  absWorkingDir: import.meta.dirname,
  entryPoints: ["src/loader.ts"],
  outfile: "dist/parley.js",
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  legalComments: "none",
  // No "use strict" prologue (13 bytes): the bundle is one IIFE that TypeScript already checks.
  tsconfigRaw: { compilerOptions: { alwaysStrict: false, strict: false } },
  sourcemap: watch ? "linked" : false,
  define: { __PARLEY_WIDGET_URL__: JSON.stringify(widgetUrl) },
  logLevel: "info",
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
