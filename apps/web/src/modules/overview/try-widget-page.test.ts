import { describe, expect, test } from "vitest";

import { isOrganizationId, tryWidgetPage } from "./try-widget-page";

describe("the try-widget page", () => {
  test("carries the organization's embed snippet", () => {
    const html = tryWidgetPage("https://cdn.example.com/parley.js", "org_123");
    expect(html).toContain(
      '<script src="https://cdn.example.com/parley.js" data-organization-id="org_123" async></script>',
    );
    expect(html).toContain("<title>Try your Parley widget</title>");
  });

  test("explains itself when the loader URL is not configured", () => {
    const html = tryWidgetPage(undefined, "org_123");
    expect(html).not.toContain("<script");
    expect(html).toContain("NEXT_PUBLIC_PARLEY_EMBED_URL");
  });

  test("takes only organization ids", () => {
    expect(isOrganizationId("org_2abcDEF-9")).toBe(true);
    for (const bad of [null, "", "org a", '"><script>', "x".repeat(65)]) {
      expect(isOrganizationId(bad)).toBe(false);
    }
  });
});
