import { describe, expect, test } from "vitest";

import {
  contactLabel,
  fillTemplate,
  initials,
  relativeTime,
  summarizeUserAgent,
  waitingFor,
} from "./format";

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const MIN = 60_000;

describe("relativeTime", () => {
  test("recent, minutes, hours, days", () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe("just now");
    expect(relativeTime(NOW - 5 * MIN, NOW)).toBe("5 min. ago");
    expect(relativeTime(NOW - 3 * 60 * MIN, NOW)).toBe("3 hr. ago");
    expect(relativeTime(NOW - 24 * 60 * MIN, NOW)).toBe("yesterday");
    expect(relativeTime(NOW - 3 * 24 * 60 * MIN, NOW)).toBe("3 days ago");
  });
  test("a timestamp slightly in the future (clock skew) reads as just now", () => {
    expect(relativeTime(NOW + 5_000, NOW)).toBe("just now");
  });
});

describe("waitingFor", () => {
  test("minutes, hours and days", () => {
    expect(waitingFor(NOW - 20_000, NOW)).toBe("waiting <1 min");
    expect(waitingFor(NOW - 5 * MIN, NOW)).toBe("waiting 5 min");
    expect(waitingFor(NOW - 130 * MIN, NOW)).toBe("waiting 2 h 10 min");
    expect(waitingFor(NOW - 120 * MIN, NOW)).toBe("waiting 2 h");
    expect(waitingFor(NOW - 50 * 60 * MIN, NOW)).toBe("waiting 2 d");
  });
});

describe("contactLabel and initials", () => {
  test("name, then email, then a short id", () => {
    expect(contactLabel({ name: "Vera Visitor" }, "abc123")).toBe("Vera Visitor");
    expect(contactLabel({ name: " ", email: "v@x.test" }, "abc123")).toBe("v@x.test");
    expect(contactLabel({}, "k57abcdef12345")).toBe("Visitor #12345");
  });
  test("initials", () => {
    expect(initials("Oscar Operator")).toBe("OO");
    expect(initials("Ada Lovelace Byron")).toBe("AB");
    expect(initials("ada")).toBe("AD");
  });
});

describe("fillTemplate", () => {
  test("fills the contact's first name and the agent's name", () => {
    expect(
      fillTemplate("Hi {{contact.name}}, {{ agent.name }} here.", {
        contactName: "Vera Visitor",
        agentName: "Oscar Operator",
      }),
    ).toBe("Hi Vera, Oscar Operator here.");
  });
  test("an unknown visitor is 'there'; unknown variables stay", () => {
    expect(fillTemplate("Hi {{contact.name}} {{order.id}}", { agentName: "Oscar" })).toBe(
      "Hi there {{order.id}}",
    );
  });
});

describe("summarizeUserAgent", () => {
  test("common browsers and systems", () => {
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      ),
    ).toBe("Chrome 131 on macOS");
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
      ),
    ).toBe("Edge 131 on Windows");
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari 18 on iOS");
    expect(
      summarizeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    ).toBe("Firefox 133 on Linux");
    expect(summarizeUserAgent(undefined)).toBeUndefined();
    expect(summarizeUserAgent("curl/8.0")).toBe("Unknown browser");
  });
});
