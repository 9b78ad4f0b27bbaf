/**
 * Function logs, printed by the server the way `npx convex dev` shows them:
 * one line per `console.*` call, prefixed with the function that made it,
 *
 *   [public/messages:send] log: visitor wrote 12 characters
 *
 * Each function execution gets its own `console` (convex-test installs it
 * per call through the runtime's per-function globals), so concurrent
 * functions never mix up whose line is whose.
 */
import { formatWithOptions } from "node:util";

import type { FunctionConsoleTarget } from "convex-test";

export type FunctionLogLevel = "debug" | "log" | "info" | "warn" | "error";

export type FunctionLog = FunctionConsoleTarget & { level: FunctionLogLevel; message: string };

export type FunctionLogSink = (entry: FunctionLog) => void;

// Captured before any function runs: inside a function, `console` is the function's own.
const realConsole = console;
const { stdout, stderr } = process;

/** `rateLimiter/lib:rateLimit` for a component's function, `public/messages:send` for the app's. */
export function functionName(target: Pick<FunctionConsoleTarget, "componentPath" | "udfPath">) {
  return target.componentPath ? `${target.componentPath}/${target.udfPath}` : target.udfPath;
}

export function formatFunctionLog(entry: FunctionLog): string {
  return `[${functionName(entry)}] ${entry.level}: ${entry.message}`;
}

/** The default sink: the server's stdout, warnings and errors on stderr. */
export function printFunctionLog(entry: FunctionLog): void {
  const stream = entry.level === "warn" || entry.level === "error" ? stderr : stdout;
  stream.write(`${formatFunctionLog(entry)}\n`);
}

/**
 * The `console` one function execution sees: the logging methods report to
 * `sink`; the rest (`time`, `table`, `group`, …) are the process's own.
 */
export function createFunctionConsole(target: FunctionConsoleTarget, sink: FunctionLogSink) {
  const emit =
    (level: FunctionLogLevel) =>
    (...args: unknown[]): void =>
      sink({ ...target, level, message: formatWithOptions({ colors: false }, ...args) });
  const methods: Partial<Console> = {
    debug: emit("debug"),
    log: emit("log"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    trace: (...args: unknown[]) => {
      const stack = new Error().stack?.split("\n").slice(2).join("\n") ?? "";
      emit("log")(`Trace: ${formatWithOptions({ colors: false }, ...args)}\n${stack}`);
    },
  };
  return new Proxy(realConsole, {
    get: (console, property, receiver) =>
      property in methods
        ? methods[property as keyof Console]
        : (Reflect.get(console, property, receiver) as unknown),
  });
}
