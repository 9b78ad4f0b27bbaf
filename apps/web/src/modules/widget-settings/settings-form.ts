/**
 * The widget settings form's model: exactly the fields
 * `private/widgetSettings.update` accepts (the type is derived from its
 * arguments, so a field added there fails to compile here until the form
 * handles it), and the patch a save sends: only what the admin changed, so a
 * save never overwrites another admin's edit to a field this admin left alone.
 */
import type { api } from "@parley/backend/api";
import type { Doc } from "@parley/backend/dataModel";
import type { FunctionArgs } from "convex/server";

export type SettingsPatch = FunctionArgs<typeof api.private.widgetSettings.update>;
export type SettingsValues = Required<SettingsPatch>;

/** The editable values of the stored settings. */
export function valuesOf(settings: Doc<"widgetSettings">): SettingsValues {
  return {
    agentName: settings.agentName,
    greeting: settings.greeting,
    suggestions: settings.suggestions,
    primaryColor: settings.primaryColor,
    position: settings.position,
    preChatFields: settings.preChatFields,
    allowedDomains: settings.allowedDomains,
    voiceEnabled: settings.voiceEnabled,
  };
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => same(item, b[index]));
  }
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) =>
      same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    );
  }
  return a === b;
}

/** The fields of `draft` that differ from `saved`: what a save sends. */
export function changedFields(saved: SettingsValues, draft: SettingsValues): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(draft) as (keyof SettingsValues)[]) {
    if (!same(saved[key], draft[key])) patch[key] = draft[key];
  }
  return patch;
}

/** `list` with `entry` added (trimmed), unless it is blank or already listed. */
export function withDomain(list: readonly string[], entry: string): string[] {
  const domain = entry.trim();
  if (!domain || list.some((existing) => existing.toLowerCase() === domain.toLowerCase())) {
    return [...list];
  }
  return [...list, domain];
}
