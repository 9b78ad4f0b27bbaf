import { cn } from "@parley/ui/lib/utils";

import type { SettingsValues } from "./settings-form";

/**
 * A static sketch of the widget's home screen with the values being edited,
 * so an admin sees a change before saving it. The real widget is on the demo
 * page (and on the organization's site once it is saved).
 */
export function WidgetPreview({
  values,
  organizationName,
}: {
  values: SettingsValues;
  organizationName: string;
}) {
  const color = /^#[0-9a-f]{6}$/i.test(values.primaryColor) ? values.primaryColor : "#4f46e5";
  return (
    <figure className="flex flex-col gap-3" aria-label="Widget preview">
      <div className="overflow-hidden rounded-xl border bg-background shadow-sm">
        <div className="px-4 py-3 text-white" style={{ backgroundColor: color }}>
          <p className="text-sm font-semibold">{values.agentName || "Support"}</p>
          <p className="text-xs opacity-80">{organizationName}</p>
        </div>
        <div className="flex flex-col gap-2 p-4">
          <p className="rounded-lg rounded-tl-none bg-muted px-3 py-2 text-sm whitespace-pre-wrap">
            {values.greeting || "…"}
          </p>
          {values.suggestions
            .filter((suggestion) => suggestion.trim())
            .map((suggestion, index) => (
              <span
                key={index}
                className="w-fit rounded-full border px-3 py-1 text-xs"
                style={{ borderColor: color, color }}
              >
                {suggestion}
              </span>
            ))}
        </div>
      </div>
      <div
        className={cn("flex", values.position === "bottom-left" ? "justify-start" : "justify-end")}
      >
        <span
          aria-hidden="true"
          className="size-10 rounded-full shadow"
          style={{ backgroundColor: color }}
        />
      </div>
      <figcaption className="text-xs text-muted-foreground">
        Changes show here before you save them. The launcher sits{" "}
        {values.position === "bottom-left" ? "bottom left" : "bottom right"} on your site.
      </figcaption>
    </figure>
  );
}
