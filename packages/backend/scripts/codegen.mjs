#!/usr/bin/env node
/**
 * Regenerate `convex/_generated` without a deployment.
 *
 * `convex codegen` normally needs a deployment, which no offline machine has.
 * Its hidden `--system-udfs` mode generates the same files locally but leaves
 * out the `components` export, so this script adds it for every component
 * `convex.config.ts` uses, exactly as `convex dev` writes it.
 *
 *   node scripts/codegen.mjs          regenerate
 *   node scripts/codegen.mjs --check  fail (and change nothing) if the committed files are stale
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { installedComponents } from "./components.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const generatedDir = path.join(root, "convex", "_generated");
const check = process.argv.includes("--check");
const require = createRequire(path.join(root, "package.json"));

function addComponents(components) {
  if (components.length === 0) return;
  const dtsPath = path.join(generatedDir, "api.d.ts");
  const jsPath = path.join(generatedDir, "api.js");
  let dts = readFileSync(dtsPath, "utf8");
  let js = readFileSync(jsPath, "utf8");
  if (!dts.includes("export declare const components")) {
    const lines = components.map(
      ([name, pkg]) =>
        `  ${name}: import("${pkg}/_generated/component.js").ComponentApi<"${name}">;`,
    );
    dts = `${dts.trimEnd()}\n\nexport declare const components: {\n${lines.join("\n")}\n};\n`;
  }
  if (!js.includes("export const components")) {
    js = js.replace(
      'import { anyApi } from "convex/server";',
      'import { anyApi, componentsGeneric } from "convex/server";',
    );
    js = `${js.trimEnd()}\nexport const components = componentsGeneric();\n`;
  }
  writeFileSync(dtsPath, dts);
  writeFileSync(jsPath, js);
}

/**
 * Every file under `_generated`, by relative path. Recursive: `convex dev`
 * may add folders of its own there (`_generated/ai/`, guidelines for AI
 * editors), which codegen leaves alone.
 */
function snapshot() {
  return Object.fromEntries(
    readdirSync(generatedDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(generatedDir, file), readFileSync(file, "utf8")];
      }),
  );
}

const before = check ? snapshot() : null;
const backup = check ? mkdtempSync(path.join(tmpdir(), "parley-codegen-")) : null;
if (backup) cpSync(generatedDir, backup, { recursive: true });

const convexCli = path.join(path.dirname(require.resolve("convex/package.json")), "bin", "main.js");
execFileSync(process.execPath, [convexCli, "codegen", "--system-udfs", "--typecheck", "disable"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
});
addComponents(installedComponents(root));

if (check) {
  const after = snapshot();
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (file) => before[file] !== after[file],
  );
  rmSync(generatedDir, { recursive: true, force: true });
  cpSync(backup, generatedDir, { recursive: true });
  rmSync(backup, { recursive: true, force: true });
  if (changed.length > 0) {
    console.error(
      `convex/_generated is stale (${changed.join(", ")}). Run \`pnpm codegen\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log("convex/_generated is up to date.");
}
