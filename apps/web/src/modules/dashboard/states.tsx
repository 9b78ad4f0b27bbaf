/**
 * The building blocks every dashboard screen uses for its title and its
 * loading, empty and error states, so they look and read the same everywhere.
 */
import { readAppError } from "@parley/backend/errors";
import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { Button } from "@parley/ui/components/button";
import { Skeleton } from "@parley/ui/components/skeleton";
import { cn } from "@parley/ui/lib/utils";
import type { ReactNode } from "react";

import { ErrorIcon } from "./icons";

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="flex min-w-0 flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <p className="text-sm text-muted-foreground">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

/** Placeholder rows while data loads; screen readers hear `label`. */
export function LoadingState({
  label = "Loading…",
  rows = 3,
  className,
}: {
  label?: string;
  rows?: number;
  className?: string;
}) {
  return (
    <div role="status" aria-live="polite" className={cn("flex flex-col gap-3", className)}>
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} className="h-12 w-full" />
      ))}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-xl border border-dashed px-6 py-12 text-center">
      <h2 className="font-medium">{title}</h2>
      {children && <div className="max-w-md text-sm text-muted-foreground">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

/**
 * Something failed to load. Pass the thrown `error`: our own errors
 * (`ConvexError` with a code) show their message, anything else a generic
 * one (see `readAppError`), so internals never reach the screen.
 */
export function ErrorState({
  title = "This page could not be loaded",
  error,
  retry,
}: {
  title?: string;
  error: unknown;
  retry?: () => void;
}) {
  return (
    <Alert variant="destructive" role="alert">
      <ErrorIcon />
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription>
        <p>{readAppError(error).message}</p>
        {retry && (
          <Button variant="outline" size="sm" className="mt-2" onClick={retry}>
            Try again
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}
