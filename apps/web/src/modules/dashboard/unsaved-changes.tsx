"use client";

/**
 * Unsaved-changes awareness across the dashboard. A form reports whether it
 * has unsaved edits with `useReportUnsavedChanges`; while it does, closing or
 * reloading the tab asks the browser's "leave site?" question, and links that
 * use `useGuardedLink` (the navigation, the header) ask before leaving.
 */
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@parley/ui/components/alert-dialog";
import { usePathname, useRouter } from "next/navigation";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  type MouseEvent,
  type ReactNode,
} from "react";

type UnsavedChanges = {
  hasUnsavedChanges: boolean;
  report: (owner: string, dirty: boolean) => void;
  confirmLeave: (href: string) => void;
};

const UnsavedChangesContext = createContext<UnsavedChanges | null>(null);

export function UnsavedChangesProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [owners, setOwners] = useState<ReadonlySet<string>>(new Set());
  const [pendingHref, setPendingHref] = useState<string | null>(null);
  const report = useCallback((owner: string, dirty: boolean) => {
    setOwners((current) => {
      if (current.has(owner) === dirty) return current;
      const next = new Set(current);
      if (dirty) next.add(owner);
      else next.delete(owner);
      return next;
    });
  }, []);
  const hasUnsavedChanges = owners.size > 0;

  useEffect(() => {
    if (!hasUnsavedChanges) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [hasUnsavedChanges]);

  return (
    <UnsavedChangesContext.Provider
      value={{ hasUnsavedChanges, report, confirmLeave: setPendingHref }}
    >
      {children}
      <AlertDialog
        open={pendingHref !== null}
        onOpenChange={(open) => !open && setPendingHref(null)}
      >
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Leave without saving?</AlertDialogTitle>
            <AlertDialogDescription>
              You have unsaved changes on this page. If you leave now, they are lost.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Stay on this page</AlertDialogCancel>
            <AlertDialogAction
              variant="destructive"
              onClick={() => {
                if (pendingHref) router.push(pendingHref);
              }}
            >
              Discard changes
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </UnsavedChangesContext.Provider>
  );
}

function useUnsavedChanges(): UnsavedChanges | null {
  return useContext(UnsavedChangesContext);
}

/** Tell the dashboard whether `owner` (a form) has unsaved edits; cleared when it unmounts. */
export function useReportUnsavedChanges(owner: string, dirty: boolean) {
  const context = useUnsavedChanges();
  if (!context) throw new Error("useReportUnsavedChanges must be used inside the dashboard");
  const { report } = context;
  useEffect(() => {
    report(owner, dirty);
    return () => report(owner, false);
  }, [owner, dirty, report]);
}

/**
 * An `onClick` for an in-app link to `href`: with unsaved changes on the
 * page, it stops the navigation and asks first. New-tab clicks go through.
 * Outside the provider (before the workspace is loaded) it does nothing.
 */
export function useGuardedLink() {
  const context = useUnsavedChanges();
  const pathname = usePathname();
  return (href: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    if (!context?.hasUnsavedChanges || href === pathname) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0)
      return;
    event.preventDefault();
    context.confirmLeave(href);
  };
}
