#!/usr/bin/env node
/**
 * The README's two quick-start commands, for a fresh machine with only Node and npm:
 *
 *   npm run dev   install everything, then run the product locally
 *   npm test      install everything, then run every check and test
 *
 * pnpm is bootstrapped from npm (the version pinned in package.json's
 * `packageManager`), so neither corepack nor a global pnpm is needed.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rootPackage = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const pnpmVersion = rootPackage.packageManager.replace(/^pnpm@/, "");
const isWindows = process.platform === "win32";

function log(message) {
  console.log(`\x1b[36m[parley]\x1b[0m ${message}`);
}

/** The command that runs the pinned pnpm: one on PATH if it is that version, else through npx. */
function pnpmCommand() {
  const probe = spawnSync(isWindows ? "pnpm.cmd" : "pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion)
    return [isWindows ? "pnpm.cmd" : "pnpm"];
  return [isWindows ? "npx.cmd" : "npx", "--yes", `pnpm@${pnpmVersion}`];
}

const pnpm = pnpmCommand();

/** Run a command to completion with inherited output; exit on failure. */
function run(args, options = {}) {
  const [command, ...rest] = [...pnpm, ...args];
  log(`$ pnpm ${args.join(" ")}`);
  const result = spawnSync(command, rest, { cwd: root, stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(
      `\n[parley] \`pnpm ${args.join(" ")}\` failed (exit ${result.status ?? result.signal}).`,
    );
    process.exit(result.status ?? 1);
  }
}

function install() {
  run(["install", "--frozen-lockfile"], { env: { ...process.env, CI: process.env.CI ?? "" } });
}

/**
 * Sum the per-package vitest JSON reports into one closing line, so a run
 * that executed no test is visible (and fails) rather than silently green.
 */
function summarizeTests(reportDir) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of existsSync(reportDir) ? readdirSync(reportDir) : []) {
    const report = JSON.parse(readFileSync(path.join(reportDir, file), "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
  console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (passed + failed === 0) {
    console.error("[parley] No test ran: that is a failure, not a pass.");
    process.exit(1);
  }
  if (failed > 0) process.exit(1);
}

function test() {
  install();
  ensureChromium();
  run(["--filter", "@parley/backend", "codegen:check"]);
  // The Convex CLI's real push pipeline against a loopback stand-in: would production accept it?
  run(["--filter", "@parley/backend", "deploy-check"]);
  run(["format:check"]);
  run(["turbo", "run", "lint", "typecheck", "build", "--concurrency=2"]);
  const reportDir = path.join(root, ".parley", "test-reports");
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  // Each package's vitest also writes a JSON report here (see the test scripts).
  run(["turbo", "run", "test", "--concurrency=1", "--force"], {
    env: { ...process.env, PARLEY_TEST_REPORT_DIR: reportDir },
  });
  summarizeTests(reportDir);
}

/**
 * Browser tests drive Debian's Chromium. CI runs as root on a fresh machine,
 * so install it there; elsewhere, say how.
 */
function ensureChromium() {
  const chromium = process.env.PARLEY_CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) return;
  if (process.getuid?.() !== 0) {
    console.error(
      `[parley] The browser tests need Chromium at ${chromium}: run \`sudo apt-get update && sudo apt-get install -y chromium\`.`,
    );
    process.exit(1);
  }
  log("Installing Chromium for the browser tests (apt-get)…");
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (result.status !== 0) {
      console.error(`[parley] \`apt-get ${args.join(" ")}\` failed.`);
      process.exit(result.status ?? 1);
    }
  }
}

/** Whether this checkout is linked to a real Convex deployment (`npx convex dev` writes .env.local). */
function hasConvexDeployment() {
  return (
    existsSync(path.join(root, "packages", "backend", ".env.local")) ||
    Boolean(process.env.CONVEX_DEPLOYMENT)
  );
}

/** Run a long-lived command until Ctrl-C, passing the signal on and exiting with it. */
function runForeground(args) {
  const [command, ...rest] = [...pnpm, ...args];
  const child = spawn(command, rest, { cwd: root, stdio: "inherit" });
  const stop = (signal) => child.kill(signal);
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  child.on("exit", (code) => process.exit(code ?? 0));
}

function dev() {
  install();
  if (hasConvexDeployment()) {
    log(
      "Using your Convex deployment (packages/backend/.env.local): convex dev + dashboard + widget.",
    );
    runForeground([
      "turbo",
      "run",
      "dev",
      "--filter",
      "@parley/backend",
      "--filter",
      "@parley/web",
      "--filter",
      "@parley/widget",
      "--filter",
      "@parley/embed",
    ]);
  } else {
    log("No Convex deployment configured: starting the local stack (no accounts needed).");
    runForeground(["--filter", "@parley/dev", "start"]);
  }
}

const commands = { dev, test, install };
const name = process.argv[2];
if (!(name in commands)) {
  console.error(`usage: node scripts/parley.mjs <${Object.keys(commands).join("|")}>`);
  process.exit(2);
}
commands[name]();
