"use client";

import { api } from "@parley/backend/api";
import { useConvexAuth, useMutation } from "convex/react";
import { useEffect, useState } from "react";

type Bootstrap = { status: "pending" } | { status: "ready" } | { status: "error"; error: unknown };

/**
 * Make sure the signed-in member's organization, user and role exist in the
 * backend (first sign-in creates them), once per sign-in. A failure carries
 * the thrown error, for the caller to show through `readAppError`.
 */
export function useBootstrap(): Bootstrap {
  const { isAuthenticated } = useConvexAuth();
  const bootstrap = useMutation(api.private.organizations.bootstrap);
  const [state, setState] = useState<Bootstrap>({ status: "pending" });

  useEffect(() => {
    if (!isAuthenticated) return;
    let cancelled = false;
    bootstrap({})
      .then(() => !cancelled && setState({ status: "ready" }))
      .catch((error: unknown) => !cancelled && setState({ status: "error", error }));
    return () => {
      cancelled = true;
    };
  }, [isAuthenticated, bootstrap]);

  return isAuthenticated ? state : { status: "pending" };
}
