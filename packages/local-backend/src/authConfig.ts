/**
 * Evaluating the app's `auth.config.ts` the way Convex does at push time.
 *
 * Convex bundles the file and evaluates it in an isolate whose `process.env`
 * throws on reading a variable the deployment has not set ("Environment
 * variable X is used in auth config file but its value was not set") and
 * lists no keys; when that escapes the file the push is refused. Functions,
 * by contrast, read an unset variable as `undefined`. The local backend does
 * the same here (esbuild, then a fresh `vm` context whose only `process` is
 * that strict `env`), so a config that real Convex would refuse fails here
 * too, with the same message, and Node's own reads of `process.env` are
 * never affected.
 */
import vm from "node:vm";

import type { AuthConfig } from "convex/server";
import { build } from "esbuild";

/** The message Convex gives (and its CLI matches on) for an unset variable read by auth.config. */
export function unsetVariableMessage(name: string): string {
  return `Environment variable ${name} is used in auth config file but its value was not set`;
}

/** A `process.env` that throws on reading an unset variable and enumerates nothing, as at push time. */
export function strictEnv(variables: Record<string, string | undefined>): Record<string, string> {
  return new Proxy<Record<string, string>>(
    {},
    {
      get(_target, name) {
        if (typeof name !== "string") return undefined;
        const value = variables[name];
        if (value === undefined) throw new Error(unsetVariableMessage(name));
        return value;
      },
      has: (_target, name) => typeof name === "string" && variables[name] !== undefined,
      ownKeys: () => [],
    },
  );
}

/**
 * Evaluate an already bundled auth config (CommonJS, as esbuild writes it)
 * against `variables`, under the push-time rule.
 */
export function evaluateBundledAuthConfig(
  code: string,
  variables: Record<string, string | undefined>,
  filename = "auth.config.js",
): AuthConfig {
  const module = { exports: {} as { default?: AuthConfig } };
  const context = vm.createContext({
    module,
    exports: module.exports,
    process: { env: strictEnv(variables) },
    console,
    URL,
  });
  vm.runInContext(code, context, { filename });
  return module.exports.default ?? { providers: [] };
}

/**
 * Bundle `file` (the app's auth.config.ts) and evaluate it against
 * `variables` (the deployment's environment). Throws, saying why, when
 * Convex would refuse to push it.
 */
export async function evaluateAuthConfig(
  file: string,
  variables: Record<string, string | undefined> = process.env,
): Promise<AuthConfig> {
  const bundle = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    format: "cjs",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    logLevel: "silent",
  });
  const code = bundle.outputFiles[0]!.text;
  try {
    return evaluateBundledAuthConfig(code, variables, file);
  } catch (error) {
    throw new Error(
      // An error thrown by the config itself comes from the vm's realm: not `instanceof Error` here.
      `auth.config.ts cannot be evaluated, so Convex would refuse to push it: ${String(
        (error as { message?: unknown } | null)?.message ?? error,
      )}`,
      { cause: error },
    );
  }
}
