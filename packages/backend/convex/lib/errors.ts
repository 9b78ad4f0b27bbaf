/**
 * One closed set of error codes, carried in `ConvexError.data`, so every
 * frontend can branch on `code` and show `message` as it is.
 */
import { ConvexError } from "convex/values";

import type { Plan } from "./validators";

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "INVALID_SESSION"
  | "INVALID_INPUT"
  | "RATE_LIMITED"
  | "PLAN_REQUIRED"
  | "QUOTA_EXCEEDED"
  | "CONFLICT"
  | "INTERNAL";

export type AppErrorData = {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
  /**
   * With `PLAN_REQUIRED` and `QUOTA_EXCEEDED`: the cheapest plan that would
   * allow it (absent when no plan would), for the dashboard's upgrade prompt.
   */
  upgradeTo?: { plan: Plan; name: string };
};

/** Throw a user-facing error; `message` is written for the person who will read it. */
export function appError(
  code: ErrorCode,
  message: string,
  extra?: Pick<AppErrorData, "retryAfterMs" | "upgradeTo">,
) {
  return new ConvexError<AppErrorData>({ code, message, ...extra });
}

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "INVALID_SESSION",
  "INVALID_INPUT",
  "RATE_LIMITED",
  "PLAN_REQUIRED",
  "QUOTA_EXCEEDED",
  "CONFLICT",
  "INTERNAL",
]);

/**
 * Read an error thrown by a Convex call on any client. Anything that is not
 * one of ours becomes a generic message, so internals never reach a user.
 */
export function readAppError(error: unknown): AppErrorData {
  if (error instanceof ConvexError) {
    const data: unknown = error.data;
    if (
      typeof data === "object" &&
      data !== null &&
      "code" in data &&
      "message" in data &&
      typeof data.code === "string" &&
      CODES.has(data.code) &&
      typeof data.message === "string"
    ) {
      return data as AppErrorData;
    }
  }
  return { code: "INTERNAL", message: "Something went wrong. Please try again." };
}
