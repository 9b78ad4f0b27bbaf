/**
 * The command line's only reader of `process.env`, validated up front so a
 * typo fails at start with the variable's name. (The Convex functions the
 * backend runs read their own variables, e.g. PARLEY_LOCAL_AUTH_ISSUER: the
 * process environment is the local deployment's environment.)
 */
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

export const env = {
  /** Where to listen; 3210 like `convex dev`, 0 for any free port. */
  port: port("PARLEY_LOCAL_BACKEND_PORT", 3210),
  /** Interface to bind; loopback unless you mean to share it. */
  host: optional("PARLEY_LOCAL_BACKEND_HOST") ?? "127.0.0.1",
  /** Enables admin authentication for developer tools. Unset: admin auth is refused. */
  adminKey: optional("PARLEY_LOCAL_BACKEND_ADMIN_KEY"),
};
