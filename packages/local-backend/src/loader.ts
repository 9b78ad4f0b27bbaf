/**
 * Importing the app's TypeScript with Node's own module loader, in
 * generations that hot reload can replace.
 *
 * Node caches an ES module by URL for the life of the process, and so does
 * tsx; a changed file imported again is the old module. Each generation of
 * the app is therefore imported under its own URL query (`?parley-gen=N`),
 * which loader-hooks.mjs hands down to every file the module imports, so a
 * reload re-evaluates the whole functions directory (lib/ included) while
 * node_modules stay loaded once.
 *
 * Loading goes through tsx's namespaced `import` rather than a plain
 * `import()`: it compiles TypeScript whether or not the process was started by
 * tsx, and it is a real Node import even under vitest, whose own module
 * runner would otherwise intercept `import()` and ignore the hooks.
 */
import { register } from "node:module";
import { pathToFileURL } from "node:url";

import { register as registerTsx } from "tsx/esm/api";

const NAMESPACE = "parley-convex";

let scopedImport: ((specifier: string, parentURL: string) => Promise<unknown>) | undefined;

/** Register tsx's namespace and the generation hooks, once per process. */
function importer(): (specifier: string, parentURL: string) => Promise<unknown> {
  if (!scopedImport) {
    // Registered after tsx's namespace, so these hooks run first and see what it resolved.
    const tsx = registerTsx({ namespace: NAMESPACE });
    register(new URL("./loader-hooks.mjs", import.meta.url));
    scopedImport = (specifier, parentURL) => tsx.import(specifier, parentURL) as Promise<unknown>;
  }
  return scopedImport;
}

/**
 * Import `file` (TypeScript or JavaScript). With a `generation`, the module
 * and the app files it imports are the ones of that generation; without, the
 * process-wide instance (used for dependencies such as components).
 */
export async function importFile(file: string, generation?: number): Promise<unknown> {
  const url = pathToFileURL(file);
  if (generation !== undefined) url.searchParams.set("parley-gen", String(generation));
  return await importer()(url.href, import.meta.url);
}
