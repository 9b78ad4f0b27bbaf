/**
 * The command line's only reader of `process.env`, validated up front so a
 * typo fails at start with the variable's name. (The Convex functions the
 * backend runs read their own variables, e.g. PARLEY_LOCAL_AUTH_ISSUER: the
 * process environment is the local deployment's environment.)
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function optional(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function port(name: string, fallback: number): number {
  const value = optional(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), got "${value}".`);
  }
  return parsed;
}

function flag(name: string, fallback: boolean): boolean {
  const value = optional(name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["1", "true", "on", "yes"].includes(value)) return true;
  if (["0", "false", "off", "no"].includes(value)) return false;
  throw new Error(`${name} must be 1 or 0 (true/false), got "${value}".`);
}

/** The workspace root (where pnpm-workspace.yaml is), found from this file so any cwd works. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Written as the data directory, keeps everything in memory (nothing survives a restart). */
export const IN_MEMORY = ":memory:";

function dataDir(): string | undefined {
  const value = optional("PARLEY_LOCAL_BACKEND_DATA_DIR");
  if (value === IN_MEMORY) return undefined;
  // `.parley/` is git-ignored.
  return path.resolve(value ?? path.join(repoRoot(), ".parley", "local-backend"));
}

export const env = {
  /** Where to listen; 3210 like `convex dev`, 0 for any free port. */
  port: port("PARLEY_LOCAL_BACKEND_PORT", 3210),
  /** The site URL's port (HTTP actions); 3211 like `convex dev`, any free one when the port is 0. */
  sitePort: port(
    "PARLEY_LOCAL_BACKEND_SITE_PORT",
    port("PARLEY_LOCAL_BACKEND_PORT", 3210) === 0 ? 0 : 3211,
  ),
  /** Interface to bind; loopback unless you mean to share it. */
  host: optional("PARLEY_LOCAL_BACKEND_HOST") ?? "127.0.0.1",
  /** Enables admin authentication for developer tools. Unset: admin auth is refused. */
  adminKey: optional("PARLEY_LOCAL_BACKEND_ADMIN_KEY"),
  /** Where the database lives across restarts; undefined for `:memory:`. */
  dataDir: dataDir(),
  /** Reload functions when a file of the functions directory changes. */
  watch: flag("PARLEY_LOCAL_BACKEND_WATCH", true),
};
