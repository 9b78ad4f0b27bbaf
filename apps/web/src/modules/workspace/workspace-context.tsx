"use client";

import type { api } from "@parley/backend/api";
import type { FunctionReturnType } from "convex/server";
import { createContext, useContext, type ReactNode } from "react";

/** The signed-in member's organization, role, plan and profile, as the backend reports them. */
export type Workspace = FunctionReturnType<typeof api.private.organizations.current>;

const WorkspaceContext = createContext<Workspace | null>(null);

/** Provided by the dashboard layout once the member's workspace is loaded. */
export function WorkspaceProvider({ value, children }: { value: Workspace; children: ReactNode }) {
  return <WorkspaceContext.Provider value={value}>{children}</WorkspaceContext.Provider>;
}

/**
 * The current workspace, for screens inside the dashboard layout. `isAdmin`
 * decides what the UI offers; the backend enforces the same rule on every call.
 */
export function useWorkspace(): Workspace & { isAdmin: boolean } {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error("useWorkspace must be used inside the dashboard layout");
  return { ...workspace, isAdmin: workspace.role === "admin" };
}
