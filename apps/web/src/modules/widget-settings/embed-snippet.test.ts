import { describe, expect, test } from "vitest";

import { embedSnippet, LOADER_URL_PLACEHOLDER } from "./embed-snippet";

describe("embedSnippet", () => {
  test("the loader with the organization's id, loaded async", () => {
    expect(embedSnippet("https://cdn.example.com/parley.js", "org_123")).toBe(
      '<script src="https://cdn.example.com/parley.js" data-organization-id="org_123" async></script>',
    );
  });

  test("a placeholder when the loader URL is not configured", () => {
    expect(embedSnippet(undefined, "org_123")).toContain(`src="${LOADER_URL_PLACEHOLDER}"`);
  });

  test("attribute values cannot break out of their quotes", () => {
    expect(embedSnippet('https://x.test/a"b<c>&d', 'o"1')).toBe(
      '<script src="https://x.test/a&quot;b&lt;c&gt;&amp;d" data-organization-id="o&quot;1" async></script>',
    );
  });
});
