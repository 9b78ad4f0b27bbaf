/**
 * The deployment's environment variables: what `npx convex env set` manages
 * on Convex, and what functions read from `process.env`.
 *
 * Functions here run in the server's own process, so the deployment's
 * variables *are* `process.env` (which is also why there is one deployment
 * per process). Variables come from two places:
 * - the server's environment, inherited as is;
 * - the deployment's variables: an optional JSON file (`{ "NAME": "value" }`)
 *   applied at start, over the inherited ones, and the admin endpoint
 *   `POST /api/update_environment_variables` that `npx convex env set/remove`
 *   calls, which also rewrites the file so the change survives a restart.
 * `npx convex env list/get` read the deployment's variables (not the whole
 * process environment) through the system query they subscribe to.
 *
 * Functions see a change on their next run; subscribed queries re-run on the
 * next commit, not at once.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

import { convexToJson, type JSONValue, type Value } from "convex/values";

import { canonicalUdfPath, type Caller } from "./engine.js";
import { HttpError } from "./httpCommon.js";

export type EnvVar = { name: string; value: string };
export type EnvVarChange = { name: string; value: string | null };

/** Convex's rule for names: a letter or underscore, then up to 39 letters, digits or underscores. */
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,39}$/;

/** Convex caps a value at 8 KiB. */
const MAX_VALUE_BYTES = 8 * 1024;

/** The module of the system queries `npx convex env list` (default) and `env get` (`get`) use. */
const SYSTEM_MODULE = "_system/cli/queryEnvironmentVariables";

function invalid(message: string): HttpError {
  return new HttpError(400, "InvalidEnvironmentVariable", message);
}

/** What is wrong with setting `name` to `value`, or null if nothing is. */
function problem(name: string, value: string | null): string | null {
  if (!NAME.test(name)) {
    return `"${name}" is not a valid name: start with a letter or underscore, then letters, digits or underscores (40 at most).`;
  }
  if (value !== null && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
    return `The value of ${name} is longer than ${MAX_VALUE_BYTES} bytes.`;
  }
  return null;
}

/** The variables saved in `file`; none while it does not exist. */
function readVariables(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON.`, { cause: error });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object of variable names to string values.`);
  }
  const variables = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    const wrong = typeof value === "string" ? problem(name, value) : `${name} must be a string.`;
    if (wrong !== null) throw new Error(`${file}: ${wrong}`);
    variables.set(name, value as string);
  }
  return variables;
}

export class DeploymentEnv {
  private constructor(
    private readonly variables: Map<string, string>,
    private readonly file: string | undefined,
  ) {}

  /**
   * Read the deployment's variables from `file` (if given and present) and
   * put them in `process.env`. Call before the app loads: `auth.config.ts`
   * reads its variables when it is imported.
   */
  static load(file?: string): DeploymentEnv {
    const variables = file === undefined ? new Map<string, string>() : readVariables(file);
    for (const [name, value] of variables) process.env[name] = value;
    return new DeploymentEnv(variables, file);
  }

  /** The deployment's variables, by name. */
  list(): EnvVar[] {
    return [...this.variables]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value }));
  }

  get(name: string): EnvVar | null {
    const value = this.variables.get(name);
    return value === undefined ? null : { name, value };
  }

  /** Set (or, with a null value, remove) variables, all or none, and save them. */
  update(changes: EnvVarChange[]): void {
    for (const { name, value } of changes) {
      const wrong = problem(name, value);
      if (wrong !== null) throw invalid(wrong);
    }
    for (const { name, value } of changes) {
      if (value === null) {
        this.variables.delete(name);
        delete process.env[name];
      } else {
        this.variables.set(name, value);
        process.env[name] = value;
      }
    }
    this.save();
  }

  /**
   * The answer to one of the CLI's system queries, or undefined when `udfPath`
   * is not one of them. Only an admin may read the variables.
   */
  systemQuery(udfPath: string, args: Record<string, Value>, caller: Caller): JSONValue | undefined {
    const { modulePath, exportName } = canonicalUdfPath(udfPath);
    if (modulePath !== SYSTEM_MODULE || !caller.admin) return undefined;
    if (exportName === "default") return convexToJson(this.list());
    if (exportName === "get") {
      return convexToJson(typeof args.name === "string" ? this.get(args.name) : null);
    }
    return undefined;
  }

  /** `POST /api/update_environment_variables`'s body, validated. */
  static parseChanges(body: Record<string, unknown>): EnvVarChange[] {
    const { changes } = body;
    if (!Array.isArray(changes)) throw invalid('The body needs "changes": [{ name, value }].');
    return changes.map((change: unknown) => {
      const { name, value } = (change ?? {}) as Record<string, unknown>;
      if (typeof name !== "string" || (typeof value !== "string" && value !== null)) {
        throw invalid('Each change is { "name": string, "value": string or null }.');
      }
      return { name, value };
    });
  }

  private save(): void {
    if (this.file === undefined) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const json = JSON.stringify(Object.fromEntries(this.variables), null, 2);
    // Values are often secrets (API keys): readable by the developer only.
    writeFileSync(temporary, `${json}\n`, { mode: 0o600 });
    renameSync(temporary, this.file); // Atomic: a crash leaves the old file or the new one.
  }
}
