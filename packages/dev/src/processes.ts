/**
 * Child processes of the local stack: each runs in its own process group so
 * stopping the stack stops everything it started (Next.js, tsx, their
 * workers), and each line of output is prefixed with the process's name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export type Child = { name: string; process: ChildProcess; exited: Promise<number | null> };

export type Logger = (line: string) => void;

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: Logger },
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => options.log(`${name} │ ${line}`));
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, process: child, exited };
}

/** Stop a child and everything it spawned: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(child: Child, graceMs = 5_000) {
  const pid = child.process.pid;
  if (pid === undefined || child.process.exitCode !== null || child.process.signalCode !== null)
    return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
  signalGroup("SIGKILL"); // any grandchild that outlived its parent
}

/** Wait until `url` answers (any HTTP status), or fail after `timeoutMs` with the process's name. */
export async function waitForHttp(url: string, what: string, timeoutMs: number, child?: Child) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child?.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${what} exited before it was ready (see its output above).`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${what} did not answer at ${url} within ${Math.round(timeoutMs / 1000)} s.`);
}
