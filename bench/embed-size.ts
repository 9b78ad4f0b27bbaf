/**
 * `pnpm --filter @parley/bench embed-size`: what a customer's page pays for
 * Parley before a visitor opens the chat: the loader script, minified and
 * gzipped. Goal: at most 2 KB gzipped.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const embedDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "apps", "embed");
execFileSync(process.execPath, ["build.mjs"], { cwd: embedDir, stdio: "ignore" });
const script = readFileSync(path.join(embedDir, "dist", "parley.js"));
const gzipped = gzipSync(script, { level: 9 }).length;

console.log(
  `embed loader (dist/parley.js): ${script.length} B minified, ${gzipped} B gzipped (goal ≤ 2048 B gzipped)`,
);
