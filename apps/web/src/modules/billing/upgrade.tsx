"use client";

import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import Link from "next/link";

import { InfoIcon } from "~/modules/dashboard/icons";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { upgradeNeeded } from "./upgrade-needed";

/**
 * The one upgrade prompt for a refusal the backend decided (`PLAN_REQUIRED`,
 * `QUOTA_EXCEEDED`): which plan allows it, the backend's explanation, and a
 * link to Billing (admins) or whom to ask (operators). Renders nothing for
 * any other error: callers pair it with their usual error message.
 */
export function UpgradePrompt({ error }: { error: unknown }) {
  const { isAdmin } = useWorkspace();
  const needed = upgradeNeeded(error);
  if (!needed) return null;
  return (
    <Alert role="alert" data-testid="upgrade-prompt">
      <InfoIcon />
      <AlertTitle>{needed.title}</AlertTitle>
      <AlertDescription>
        <p>{needed.message}</p>
        {isAdmin ? (
          <Link href="/billing" className="font-medium underline" data-testid="upgrade-link">
            {needed.planName
              ? `See the ${needed.planName} plan in Billing`
              : "See plans in Billing"}
          </Link>
        ) : (
          <p>Ask an admin of your organization to change the plan.</p>
        )}
      </AlertDescription>
    </Alert>
  );
}

/** Whether `error` is one `UpgradePrompt` shows (so the caller leaves out its own message). */
export const isUpgradeError = (error: unknown) => upgradeNeeded(error) !== null;
