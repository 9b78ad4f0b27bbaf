import type { CSSProperties, ReactNode } from "react";

import { useHost } from "../host/host-bridge";

type HeaderProps = {
  title: string;
  subtitle?: string;
  logoUrl?: string | null;
  /** Shows a back arrow that calls this. */
  onBack?: () => void;
  /** Extra controls on the right, before the close button. */
  actions?: ReactNode;
};

/** The whole widget: a colored header above one screen. */
export function WidgetFrame({
  header,
  style,
  children,
}: {
  header: HeaderProps;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <div className="flex h-dvh flex-col bg-background" style={style}>
      <WidgetHeader {...header} />
      {children}
    </div>
  );
}

function WidgetHeader({ title, subtitle, logoUrl, onBack, actions }: HeaderProps) {
  const host = useHost();
  return (
    <header className="flex items-center gap-3 bg-primary px-3 py-3 text-primary-foreground">
      {onBack && (
        <HeaderButton label="Back" onClick={onBack}>
          <path d="m15 18-6-6 6-6" />
        </HeaderButton>
      )}
      {logoUrl ? (
        // eslint-disable-next-line @next/next/no-img-element -- a storage URL of any size; next/image would need its host configured.
        <img
          src={logoUrl}
          alt=""
          className="size-9 rounded-full bg-primary-foreground/15 object-cover"
        />
      ) : (
        <div
          aria-hidden
          className="flex size-9 shrink-0 items-center justify-center rounded-full bg-primary-foreground/15 font-semibold"
        >
          {title.slice(0, 1).toUpperCase()}
        </div>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <h1 className="truncate text-sm font-semibold">{title}</h1>
        {subtitle && <p className="truncate text-xs opacity-80">{subtitle}</p>}
      </div>
      {actions}
      {host.embedded && (
        <HeaderButton label="Close chat" onClick={host.close}>
          <path d="M18 6 6 18M6 6l12 12" />
        </HeaderButton>
      )}
    </header>
  );
}

function HeaderButton({
  label,
  onClick,
  children,
}: {
  label: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      className="flex size-8 shrink-0 items-center justify-center rounded-md hover:bg-primary-foreground/15 focus-visible:ring-2 focus-visible:ring-primary-foreground/60 focus-visible:outline-none"
    >
      <svg
        viewBox="0 0 24 24"
        className="size-5"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden
      >
        {children}
      </svg>
    </button>
  );
}
