"use client";

import { readAppError } from "@parley/backend/errors";
import Link from "next/link";

/**
 * The upgrade prompt for a refusal the backend decided (`PLAN_REQUIRED`,
 * `QUOTA_EXCEEDED`): a link to Billing next to its message. Null for any
 * other error.
 */
export function UpgradePrompt({ error }: { error: unknown }) {
  const { code } = readAppError(error);
  if (code !== "PLAN_REQUIRED" && code !== "QUOTA_EXCEEDED") return null;
  return (
    <Link href="/billing" className="font-medium underline" data-testid="upgrade-link">
      See plans and upgrade
    </Link>
  );
}
