import { readAppError, type AppErrorData } from "@parley/backend/errors";

/**
 * What to tell the visitor about a failed call. Every error goes through
 * `readAppError` (anything unexpected becomes a generic message); a rate limit
 * is worded as a gentle "slow down" rather than an error.
 */
export function describeError(error: unknown): AppErrorData {
  const data = readAppError(error);
  if (data.code === "RATE_LIMITED") {
    const seconds = Math.max(1, Math.ceil((data.retryAfterMs ?? 30_000) / 1000));
    return {
      ...data,
      message: `You're going a little fast for us. Please wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`,
    };
  }
  return data;
}
