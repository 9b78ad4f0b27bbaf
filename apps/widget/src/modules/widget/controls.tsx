import type { ComponentProps } from "react";

/**
 * The widget's buttons and text fields: the look of `@parley/ui`'s Button and
 * Input (same theme variables and classes) without what they bring along for
 * the dashboard, tailwind-merge and Radix Slot (~10 KB gzipped together), which
 * every visitor would otherwise download (see bench/widget-size.ts). Without
 * tailwind-merge, no two classes here may set the same property, and a caller's
 * `className` may only add layout (margins, alignment), never restyle.
 */
const BASE =
  "inline-flex shrink-0 items-center justify-center gap-2 whitespace-nowrap rounded-md font-medium transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background disabled:pointer-events-none disabled:opacity-50 [&_svg]:pointer-events-none [&_svg]:size-4 [&_svg]:shrink-0";

const VARIANTS = {
  default: "bg-primary text-primary-foreground hover:bg-primary/90",
  outline: "border border-input bg-background hover:bg-accent hover:text-accent-foreground",
  ghost: "hover:bg-accent hover:text-accent-foreground",
} as const;

const SIZES = {
  default: "h-9 px-4 py-2 text-sm",
  sm: "h-8 px-3 text-xs",
  icon: "size-9 text-sm",
} as const;

export type ButtonProps = ComponentProps<"button"> & {
  variant?: keyof typeof VARIANTS;
  size?: keyof typeof SIZES;
};

export function Button({
  className,
  variant = "default",
  size = "default",
  ...props
}: ButtonProps) {
  return (
    <button
      data-slot="button"
      className={`${BASE} ${VARIANTS[variant]} ${SIZES[size]}${className ? ` ${className}` : ""}`}
      {...props}
    />
  );
}

export function Input({ type = "text", ...props }: Omit<ComponentProps<"input">, "className">) {
  return (
    <input
      type={type}
      data-slot="input"
      className="flex h-9 w-full min-w-0 rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs transition-colors outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive"
      {...props}
    />
  );
}
