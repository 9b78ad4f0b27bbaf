import { Component, type ErrorInfo, type ReactNode } from "react";

import { Button } from "./controls";
import { describeError } from "./describe-error";

/** A centered spinner with a label for screen readers and anyone waiting. */
export function LoadingState({ label }: { label: string }) {
  return (
    <div role="status" className="flex flex-1 flex-col items-center justify-center gap-3 p-6">
      <span
        aria-hidden
        className="size-6 animate-spin rounded-full border-2 border-muted border-t-primary"
      />
      <span className="text-sm text-muted-foreground">{label}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center">
      <p className="text-sm font-medium">{title}</p>
      {children}
    </div>
  );
}

/** An inline error line under a form or button. */
export function ErrorNotice({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      className="rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive"
    >
      {children}
    </p>
  );
}

type BoundaryProps = {
  children: ReactNode;
  /** Offered when the visitor's session is no longer valid. */
  onInvalidSession?: () => void;
  onBack?: () => void;
  /** Wraps the error screen (e.g. in the widget's frame when nothing else draws it). */
  wrap?: (content: ReactNode) => ReactNode;
};

/**
 * Catches errors thrown while rendering a screen, including Convex queries
 * that failed (a `useQuery` rethrows its error), and shows them as a screen
 * with a way out instead of a blank frame.
 */
export class ScreenErrorBoundary extends Component<BoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("[Parley widget]", error, info.componentStack);
  }

  private reset = () => this.setState({ error: null });

  override render() {
    if (this.state.error === null) return this.props.children;
    const { code, message } = describeError(this.state.error);
    const { onInvalidSession, onBack, wrap = (content: ReactNode) => content } = this.props;
    return wrap(
      <div className="flex flex-1 flex-col items-center justify-center gap-3 p-6 text-center">
        <ErrorNotice>{message}</ErrorNotice>
        <div className="flex gap-2">
          {code === "INVALID_SESSION" && onInvalidSession ? (
            <Button onClick={onInvalidSession}>Start a new chat</Button>
          ) : (
            <Button variant="outline" onClick={this.reset}>
              Try again
            </Button>
          )}
          {onBack && (
            <Button
              variant="ghost"
              onClick={() => {
                this.reset();
                onBack();
              }}
            >
              Back
            </Button>
          )}
        </div>
      </div>,
    );
  }
}
