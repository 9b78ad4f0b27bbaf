import { readAppError } from "@parley/backend/errors";

export type UpgradeNeeded = {
  /** The prompt's heading: the plan to upgrade to, or that a limit was reached. */
  title: string;
  /** The backend's own explanation (what is limited, and by how much). */
  message: string;
  /** The cheapest plan that allows it, when one does. */
  planName?: string;
};

/**
 * Whether an error is the backend refusing for the plan's sake
 * (`PLAN_REQUIRED`, `QUOTA_EXCEEDED`) and what to say about it; null for
 * every other error, which callers show as they did.
 */
export function upgradeNeeded(error: unknown): UpgradeNeeded | null {
  const data = readAppError(error);
  if (data.code !== "PLAN_REQUIRED" && data.code !== "QUOTA_EXCEEDED") return null;
  const planName = data.upgradeTo?.name;
  const title = planName
    ? `Upgrade to ${planName}`
    : data.code === "PLAN_REQUIRED"
      ? "Not included in your plan"
      : "Plan limit reached";
  return { title, message: data.message, ...(planName ? { planName } : {}) };
}
