import { readAppError, type AppErrorData } from "@parley/backend/errors";

/**
 * What to tell the visitor about a failed call. Every error goes through
 * `readAppError` (anything unexpected becomes a generic message); a rate limit
 * is worded as a gentle "slow down" rather than an error, and a plan's refusal
 * (voice not in the plan, a quota spent) as a polite "not available", never
 * the upgrade talk meant for the organization's admins.
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
  // The backend words plan refusals for the organization's admins; a visitor only needs to know
  // what still works.
  if (data.code === "PLAN_REQUIRED" || data.code === "QUOTA_EXCEEDED") {
    return {
      code: data.code,
      message:
        "Sorry, this isn't available right now. You can still send us a message and the team will reply.",
    };
  }
  return data;
}
