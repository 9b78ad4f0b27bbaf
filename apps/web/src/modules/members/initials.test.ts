import { describe, expect, test } from "vitest";

import { initials } from "./initials";

describe("initials", () => {
  test("first and last name, one name, email, nothing", () => {
    expect(initials("Ada Byron Lovelace", "ada@x.test")).toBe("AL");
    expect(initials("  oscar ", undefined)).toBe("O");
    expect(initials(undefined, "nia@example.com")).toBe("N");
    expect(initials("Émile Zola", undefined)).toBe("ÉZ");
    expect(initials("", "")).toBe("?");
  });
});
