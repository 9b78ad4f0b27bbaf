/**
 * Class-name helpers shared by every component.
 */
import type { ClassValue } from "clsx";
import { clsx } from "clsx";
import { twMerge } from "tailwind-merge";

/**
 * Joins class names and lets later Tailwind utilities override earlier ones
 * (`cn("px-2", "px-4")` gives `"px-4"`), so callers can pass `className` to
 * restyle a component without fighting its defaults.
 */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
