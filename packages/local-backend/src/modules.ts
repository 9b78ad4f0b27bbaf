/**
 * Loading a Convex functions directory (and the components it installs) into
 * the shapes convex-test takes, without a bundler.
 *
 * convex-test wants a map from file path to lazy `import()`, which tests
 * build with Vite's `import.meta.glob`. Node has no `import.meta.glob`, so the
 * maps are built by listing the same files on disk. Keys keep the glob's
 * shape (`./convex/public/widgetSettings.ts`): convex-test finds the functions
 * root by the `_generated` entry and strips it and the extension to resolve
 * `public/widgetSettings:getByOrganization`.
 *
 * Components register the way each package's own `test` helper does
 * (`@convex-dev/rate-limiter/test`): same component name, same schema, same
 * `./component/**` files. The helpers themselves cannot be imported here
 * because they call `import.meta.glob`, so the registration is read from
 * `convex.config.ts` and the helper's source instead.
 *
 * The app's own files load in numbered generations (see loader.ts): hot
 * reload loads generation N+1 beside N and switches only once every module
 * of it evaluated. Components never change while the process runs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { GenericSchema, SchemaDefinition } from "convex/server";

import { importFile } from "./loader.js";

/** What convex-test takes as `modules`: file path → lazy module. */
export type ModuleMap = Record<string, () => Promise<unknown>>;

export type AnySchema = SchemaDefinition<GenericSchema, boolean>;

/** A component as `t.registerComponent(name, schema, modules)` takes it. */
export type ComponentRegistration = {
  /** Its path in the app: `rateLimiter`, `rateLimiter/batchWorker`. */
  name: string;
  schema: AnySchema;
  modules: ModuleMap;
};

/** The app's own code: what changes when a developer edits the functions directory. */
export type AppCode = {
  /** Which load of the directory this is (1 at start, +1 per reload). */
  generation: number;
  schema: AnySchema;
  modules: ModuleMap;
};

export type LoadedApp = AppCode & {
  convexDir: string;
  components: ComponentRegistration[];
};

const SOURCE = /\.(ts|js)$/;
const EXCLUDED = /(\.test\.ts|\.d\.ts)$/;

function listFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Whether a file under a functions directory is one of its modules (what the glob below matches). */
export function isModuleFile(file: string): boolean {
  return SOURCE.test(file) && !EXCLUDED.test(file);
}

/**
 * The files `import.meta.glob(["<prefix>/**\/*.{ts,js}", "!**\/*.test.ts",
 * "!**\/*.d.ts"])` matches under `dir`, keyed the way the glob keys them.
 * Test files are left out: they import vitest and never hold functions.
 */
export function globModules(dir: string, keyPrefix: string, generation?: number): ModuleMap {
  const modules: ModuleMap = {};
  for (const file of listFiles(dir)) {
    if (!isModuleFile(file)) continue;
    const key = `${keyPrefix}/${path.relative(dir, file).split(path.sep).join("/")}`;
    modules[key] = onceLoaded(() => importFile(file, generation));
  }
  if (!Object.keys(modules).some((key) => key.includes("/_generated/"))) {
    throw new Error(
      `${dir} has no _generated directory: run the package's codegen (\`pnpm codegen\`) first.`,
    );
  }
  return modules;
}

/**
 * The same module on every call once it has loaded. convex-test asks for a
 * function's module on each call, and every `import()` of it, even one Node
 * has cached, is resolved again by the loader hooks on their own thread (a
 * round trip of a few hundred microseconds to milliseconds). A failed load is
 * tried again on the next call.
 */
function onceLoaded(load: () => Promise<unknown>): () => Promise<unknown> {
  let loaded: Promise<unknown> | null = null;
  return () => {
    if (loaded) return loaded;
    const loading = load();
    loaded = loading;
    loading.catch(() => {
      if (loaded === loading) loaded = null;
    });
    return loading;
  };
}

/** Import a module's default export, failing with the file's name if it has none. */
async function importDefault<T>(file: string, generation?: number): Promise<T> {
  const module = (await importFile(file, generation)) as { default?: T };
  if (module.default === undefined) throw new Error(`${file} has no default export.`);
  return module.default;
}

/** `.ts` beside a `.js` specifier, as TypeScript resolves `./schema.js`. */
function sourceFile(file: string): string {
  for (const candidate of [file, file.replace(/\.js$/, ".ts"), `${file}.ts`, `${file}.js`]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`Cannot find ${file} (.ts or .js).`);
}

type ComponentUse = { variable: string; name?: string };

/** The components a `convex.config.ts` installs, with the packages they come from. */
function readUses(configFile: string): { pkg: string; name?: string }[] {
  const source = readFileSync(configFile, "utf8");
  const imports = new Map<string, string>();
  for (const match of source.matchAll(
    /import\s+(\w+)\s+from\s+["']([^"']+)\/convex\.config(?:\.js)?["']/g,
  )) {
    imports.set(match[1]!, match[2]!);
  }
  const uses: ComponentUse[] = [];
  for (const match of source.matchAll(
    /\.use\(\s*(\w+)\s*(?:,\s*\{\s*name:\s*["']([^"']+)["']\s*\})?\s*\)/g,
  )) {
    uses.push({ variable: match[1]!, ...(match[2] ? { name: match[2] } : {}) });
  }
  return uses.map(({ variable, name }) => {
    const pkg = imports.get(variable);
    if (!pkg) {
      throw new Error(
        `${configFile} uses ${variable}, which is not imported from a package's convex.config.`,
      );
    }
    return { pkg, ...(name ? { name } : {}) };
  });
}

/**
 * Resolve one installed component into what its package's `test` helper
 * registers, then do the same for the components it installs itself.
 */
async function resolveComponent(
  fromFile: string,
  pkg: string,
  nameOverride: string | undefined,
  parentPath: string,
): Promise<ComponentRegistration[]> {
  const require = createRequire(fromFile);
  const packageJsonPath = require.resolve(`${pkg}/package.json`);
  const packageDir = path.dirname(packageJsonPath);
  const manifest = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    exports?: Record<string, unknown>;
  };
  const testExport = manifest.exports?.["./test"];
  const testEntry =
    typeof testExport === "string"
      ? testExport
      : typeof testExport === "object" && testExport !== null && "default" in testExport
        ? String(testExport.default)
        : undefined;
  if (!testEntry) {
    throw new Error(
      `${pkg} has no "./test" export, so the local backend cannot tell how to register it.`,
    );
  }
  const testFile = path.join(packageDir, testEntry);
  const helper = readFileSync(testFile, "utf8");
  const glob = helper.match(/import\.meta\.glob\(\s*["']\.\/([\w-]+)\/\*\*\/\*\.ts["']\s*\)/);
  const schemaImport = helper.match(/import\s+schema\s+from\s+["'](\.[^"']+)["']/);
  if (!glob || !schemaImport) {
    throw new Error(
      `${testFile} does not register its component the usual way (import.meta.glob("./<dir>/**/*.ts") and a schema import).`,
    );
  }
  const componentDir = path.join(path.dirname(testFile), glob[1]!);
  const configFile = sourceFile(path.join(componentDir, "convex.config"));
  const defaultName = readFileSync(configFile, "utf8").match(
    /defineComponent\(\s*["']([^"']+)["']/,
  )?.[1];
  const name = nameOverride ?? defaultName;
  if (!name) throw new Error(`Cannot find defineComponent("…") in ${configFile}.`);
  const componentPath = parentPath ? `${parentPath}/${name}` : name;

  const registration: ComponentRegistration = {
    name: componentPath,
    schema: await importDefault<AnySchema>(
      sourceFile(path.resolve(path.dirname(testFile), schemaImport[1]!)),
    ),
    modules: globModules(componentDir, `./${glob[1]}`),
  };
  const children = await Promise.all(
    readUses(configFile).map((use) =>
      resolveComponent(configFile, use.pkg, use.name, componentPath),
    ),
  );
  return [registration, ...children.flat()];
}

/**
 * Evaluate every module of a map, so that a broken file (a syntax error, a
 * throw at import) is found now rather than when one of its functions is
 * called. `convex.config.ts` is skipped: it only evaluates inside Convex.
 */
export async function evaluateModules(modules: ModuleMap): Promise<void> {
  for (const [key, load] of Object.entries(modules)) {
    if (/\/convex\.config\.(ts|js)$/.test(key)) continue;
    try {
      await load();
    } catch (error) {
      throw new Error(`${key.replace(/^\.\/convex\//, "")} failed to load: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The error's message, and where in the app it was thrown (its first frame outside dependencies). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = error.stack
    ?.split("\n")
    .find(
      (line) =>
        /^\s+at (?:.*\()?\//.test(line) &&
        !line.includes("/node_modules/") &&
        !line.includes(RUNTIME_DIR),
    );
  return frame ? `${error.message}\n  ${frame.trim()}` : error.message;
}

/** Generation `generation` of the app's schema and modules, every module evaluated. */
export async function loadAppCode(convexDir: string, generation: number): Promise<AppCode> {
  const modules = globModules(convexDir, "./convex", generation);
  const schemaFile = sourceFile(path.join(convexDir, "schema"));
  let schema: AnySchema;
  try {
    schema = await importDefault<AnySchema>(schemaFile, generation);
  } catch (error) {
    throw new Error(`schema failed to load: ${describe(error)}`, { cause: error });
  }
  await evaluateModules(modules);
  return { generation, schema, modules };
}

/**
 * Load a Convex app from its functions directory: schema, function modules
 * and every component `convex.config.ts` installs (recursively).
 */
export async function loadApp(convexDir: string, generation = 1): Promise<LoadedApp> {
  const code = await loadAppCode(convexDir, generation);
  const configFile = path.join(convexDir, "convex.config.ts");
  const components = existsSync(configFile)
    ? (
        await Promise.all(
          readUses(configFile).map((use) => resolveComponent(configFile, use.pkg, use.name, "")),
        )
      ).flat()
    : [];
  return { ...code, convexDir, components };
}
