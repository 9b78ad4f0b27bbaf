/**
 * Size limits on every argument of every client-callable function.
 *
 * Convex validators check types but not sizes, so the builders in
 * `functions.ts` run `assertInputLimits` before any handler: each string is
 * bounded (by default `LIMITS.defaultString`, or the bound the function
 * declares for that argument) and each array by `LIMITS.defaultArray`. A
 * function must opt in to anything larger, so nobody can store a megabyte
 * through a field nobody thought about.
 */
import { appError } from "./errors";
import { LIMITS } from "./validators";

/** Per-argument bounds on string length, keyed by top-level argument name. */
export type InputLimits = Record<string, number>;

function check(value: unknown, path: string, maxString: number): void {
  if (typeof value === "string") {
    if (value.length > maxString) {
      throw appError(
        "INVALID_INPUT",
        `${path} is too long: ${value.length} characters, the limit is ${maxString}.`,
      );
    }
  } else if (Array.isArray(value)) {
    if (value.length > LIMITS.defaultArray) {
      throw appError(
        "INVALID_INPUT",
        `${path} has too many items: ${value.length}, the limit is ${LIMITS.defaultArray}.`,
      );
    }
    value.forEach((item, index) => check(item, `${path}[${index}]`, maxString));
  } else if (typeof value === "object" && value !== null && !(value instanceof ArrayBuffer)) {
    for (const [key, item] of Object.entries(value)) check(item, `${path}.${key}`, maxString);
  }
}

export function assertInputLimits(args: Record<string, unknown>, limits: InputLimits = {}): void {
  for (const [key, value] of Object.entries(args)) {
    check(value, key, limits[key] ?? LIMITS.defaultString);
  }
}
