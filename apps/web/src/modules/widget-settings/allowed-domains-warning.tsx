"use client";

import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { Button } from "@parley/ui/components/button";
import Link from "next/link";

import { WarningIcon } from "~/modules/dashboard/icons";
import { useWorkspace } from "~/modules/workspace/workspace-context";

/**
 * Issue 5: an empty allowed-domains list lets every website embed the
 * organization's widget, so the dashboard says so wherever it matters.
 */
export function AllowedDomainsWarning({ linkToSettings }: { linkToSettings: boolean }) {
  const { isAdmin } = useWorkspace();
  return (
    <Alert variant="warning" data-testid="allowed-domains-warning">
      <WarningIcon />
      <AlertTitle>Any website can embed your chat</AlertTitle>
      <AlertDescription>
        <p>
          No allowed domains are set, so your widget runs on every site that pastes your snippet,
          not only yours. List your own domains to keep it there.
          {!isAdmin && " An admin of your organization can set them."}
        </p>
        {linkToSettings && (
          <Button asChild variant="outline" size="sm" className="mt-1">
            <Link href="/widget#allowed-domains">
              {isAdmin ? "Set allowed domains" : "View widget settings"}
            </Link>
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}
