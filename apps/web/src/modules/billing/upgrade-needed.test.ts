import { appError } from "@parley/backend/errors";
import { describe, expect, test } from "vitest";

import { upgradeNeeded } from "./upgrade-needed";

describe("upgradeNeeded", () => {
  test("a feature another plan includes names that plan", () => {
    const error = appError("PLAN_REQUIRED", "Voice support is included in the Pro plan.", {
      upgradeTo: { plan: "pro", name: "Pro" },
    });
    expect(upgradeNeeded(error)).toEqual({
      title: "Upgrade to Pro",
      message: "Voice support is included in the Pro plan.",
      planName: "Pro",
    });
  });

  test("a quota no plan has room for says the limit was reached", () => {
    const error = appError("QUOTA_EXCEEDED", "The Business plan includes 100 seats.");
    expect(upgradeNeeded(error)).toEqual({
      title: "Plan limit reached",
      message: "The Business plan includes 100 seats.",
    });
  });

  test("other errors are not upgrade prompts", () => {
    expect(upgradeNeeded(appError("INVALID_INPUT", "Give the article a title."))).toBeNull();
    expect(upgradeNeeded(new Error("network down"))).toBeNull();
  });
});
