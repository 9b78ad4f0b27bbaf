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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const generatedDir = path.join(root, "convex", "_generated");
const check = process.argv.includes("--check");
const require = createRequire(path.join(root, "package.json"));

/** The components `convex.config.ts` installs: [name in the app, package]. */
function installedComponents() {
  const config = readFileSync(path.join(root, "convex", "convex.config.ts"), "utf8");
  const imports = new Map();
  for (const match of config.matchAll(
    /import\s+(\w+)\s+from\s+"([^"]+)\/convex\.config(?:\.js)?";/g,
  )) {
    imports.set(match[1], match[2]);
  }
  const components = [];
  for (const match of config.matchAll(
    /app\.use\(\s*(\w+)\s*(?:,\s*\{\s*name:\s*"([^"]+)"\s*\})?\s*\)/g,
  )) {
    const pkg = imports.get(match[1]);
    if (!pkg)
      throw new Error(`convex.config.ts uses ${match[1]}, which is not imported from a package.`);
    components.push([match[2] ?? defaultName(pkg), pkg]);
  }
  return components;
}

/** A component's default name is the one its own convex.config passes to defineComponent. */
function defaultName(pkg) {
  const source = readFileSync(require.resolve(`${pkg}/convex.config.js`), "utf8");
  const match = source.match(/defineComponent\(\s*["']([^"']+)["']/);
  if (!match) throw new Error(`Cannot find defineComponent("…") in ${pkg}/convex.config.js`);
  return match[1];
}

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

function snapshot() {
  return Object.fromEntries(
    readdirSync(generatedDir).map((file) => [
      file,
      readFileSync(path.join(generatedDir, file), "utf8"),
    ]),
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
addComponents(installedComponents());

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
