/**
 * The components `convex/convex.config.ts` installs, read from its source
 * (offline tools cannot ask a deployment): used by codegen.mjs to write the
 * `components` export and by deploy-check.mjs to check they are all pushed.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** A component's default name is the one its own convex.config passes to defineComponent. */
function defaultName(require, pkg) {
  const source = readFileSync(require.resolve(`${pkg}/convex.config.js`), "utf8");
  const match = source.match(/defineComponent\(\s*["']([^"']+)["']/);
  if (!match) throw new Error(`Cannot find defineComponent("…") in ${pkg}/convex.config.js`);
  return match[1];
}

/** `[name in the app, package]` for every `app.use(…)` in `<packageDir>/convex/convex.config.ts`. */
export function installedComponents(packageDir) {
  const require = createRequire(path.join(packageDir, "package.json"));
  const configFile = path.join(packageDir, "convex", "convex.config.ts");
  if (!existsSync(configFile)) return [];
  const config = readFileSync(configFile, "utf8");
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
    components.push([match[2] ?? defaultName(require, pkg), pkg]);
  }
  return components;
}
