import type { CSSProperties } from "react";

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
function readableOn(hex: string): string {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.4 ? "#111827" : "#ffffff";
}

/** CSS variables that recolor the shared theme with the organization's color. */
export function themeStyle(primaryColor: string): CSSProperties {
  if (!/^#[0-9a-f]{6}$/i.test(primaryColor)) return {};
  return {
    "--primary": primaryColor,
    "--ring": primaryColor,
    "--primary-foreground": readableOn(primaryColor),
  } as CSSProperties;
}
