"use client";

import { ErrorState } from "~/modules/dashboard/states";

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorState error={error} retry={retry} />;
}
