import { useState } from "react";

import { Button } from "../widget/controls";

/** A phone number as a `tel:` URI: digits and a leading +, nothing else. */
export function telHref(phoneNumber: string): string {
  const trimmed = phoneNumber.trim();
  return `tel:${trimmed.startsWith("+") ? "+" : ""}${trimmed.replace(/\D/g, "")}`;
}

/**
 * The organization's phone line (a Vapi number its admin chose), for visitors
 * who would rather call: the number as a `tel:` link and a copy button.
 */
export function PhoneContact({ phoneNumber }: { phoneNumber: string }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyNumber = () => {
    // The loader's iframe allows `clipboard-write`; some browsers still refuse it.
    navigator.clipboard
      .writeText(phoneNumber)
      .then(() => setCopy("copied"))
      .catch(() => setCopy("failed"));
  };
  return (
    <section
      aria-label="Call us by phone"
      className="flex flex-col items-center gap-1 rounded-lg border p-3 text-sm"
    >
      <span className="text-muted-foreground">Prefer the phone? Call us at</span>
      <div className="flex items-center gap-2">
        <a href={telHref(phoneNumber)} className="font-medium text-primary underline">
          {phoneNumber}
        </a>
        <Button variant="outline" size="sm" onClick={copyNumber}>
          {copy === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      {copy === "failed" && (
        <span role="alert" className="text-xs text-destructive">
          Could not copy: select the number to copy it.
        </span>
      )}
    </section>
  );
}
