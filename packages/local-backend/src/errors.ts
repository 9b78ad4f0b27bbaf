/**
 * Turning what a Convex function threw into what the Convex protocols carry:
 * an `errorMessage` string and, for a `ConvexError`, its `data` as Convex
 * JSON (`errorData`), which the official clients rebuild into
 * `ConvexError.data`. The message mimics a deployment's
 * ("[Request ID: …] Server Error\nUncaught Error: …"), so what a developer
 * sees locally reads like what Convex shows them.
 *
 * Security: what reaches a client carries no stack trace and no absolute
 * path of this machine (the server prints the stack instead, see
 * `appFrames`). Anyone can call a public function with bad input; the answer
 * must not map the server's file system.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { convexToJson, type JSONValue, type Value } from "convex/values";

export type FunctionFailure = { success: false; errorMessage: string; errorData?: JSONValue };

/** Recognise a ConvexError by its marker symbol, as Convex does, so any copy of the class counts. */
export function isConvexError(error: unknown): error is Error & { data: Value } {
  return (
    typeof error === "object" &&
    error !== null &&
    Symbol.for("ConvexError") in error &&
    "data" in error
  );
}

/** A request id in the format Convex prints: 16 hex characters. */
export function newRequestId(): string {
  return randomBytes(8).toString("hex");
}

const STACK_FRAMES = 10;
const RUNTIME_DIR = fileURLToPath(new URL(".", import.meta.url));

/** Directories whose absolute paths must not reach clients: longest first, each with its `/`. */
const PRIVATE_DIRS = [
  path.resolve(RUNTIME_DIR, "..", "..", ".."), // the monorepo
  process.cwd(),
  os.tmpdir(),
  os.homedir(),
]
  .filter((dir) => dir.length > 1)
  .map((dir) => `${dir.replace(/\/$/, "")}/`)
  .sort((a, b) => b.length - a.length);

/** `text` with this machine's directories cut off the paths in it (`/home/x/app/convex/a.ts` → `convex/a.ts`). */
export function withoutLocalPaths(text: string): string {
  let result = text;
  for (const dir of PRIVATE_DIRS) {
    result = result.replaceAll(`file://${dir}`, "").replaceAll(dir, "");
  }
  return result;
}

/**
 * The app's own stack frames, for the server's log: Convex shows where in
 * *your* functions an error came from, so frames inside dependencies and this
 * runtime are left out.
 */
export function appFrames(error: Error): string {
  const lines = (error.stack ?? "")
    .split("\n")
    // Frames with a file path: not Node internals (`node:…`) nor `Promise.all (index 0)`.
    .filter((line) => /^\s+at (?:.*\()?(?:file:\/\/)?\//.test(line))
    .filter((line) => !line.includes("/node_modules/") && !line.includes(RUNTIME_DIR));
  return lines.slice(0, STACK_FRAMES).join("\n");
}

/**
 * Describe a failed function call. `ConvexError`s keep their data; anything
 * else becomes a message only, exactly as Convex never ships other errors'
 * fields to clients.
 */
export function describeFailure(error: unknown, requestId = newRequestId()): FunctionFailure {
  const prefix = `[Request ID: ${requestId}] Server Error`;
  if (isConvexError(error)) {
    let errorData: JSONValue;
    try {
      errorData = convexToJson(error.data);
    } catch {
      // Not a Convex value (Convex itself would refuse to throw it): report the message alone.
      errorData = null;
    }
    return {
      success: false,
      errorMessage: `${prefix}\nUncaught ConvexError: ${withoutLocalPaths(error.message)}`,
      errorData,
    };
  }
  if (error instanceof Error) {
    return {
      success: false,
      errorMessage: `${prefix}\nUncaught ${error.name}: ${withoutLocalPaths(error.message)}`,
    };
  }
  return {
    success: false,
    errorMessage: `${prefix}\nUncaught ${withoutLocalPaths(String(error))}`,
  };
}

/** A failure the runtime itself reports (unknown function, wrong kind), with no stack. */
export function plainFailure(message: string, requestId = newRequestId()): FunctionFailure {
  return { success: false, errorMessage: `[Request ID: ${requestId}] Server Error\n${message}` };
}
