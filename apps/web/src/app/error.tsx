"use client";

import { AppShell } from "~/modules/dashboard/app-shell";
import { ErrorState } from "~/modules/dashboard/states";

/** Errors outside a section's own boundary, e.g. loading the member's workspace. */
export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <AppShell withNav={false}>
      <ErrorState title="The dashboard could not be loaded" error={error} retry={retry} />
    </AppShell>
  );
}
