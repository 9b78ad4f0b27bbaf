import { appError } from "@parley/backend/errors";
import { describe, expect, test } from "vitest";

import { describeError } from "./describe-error";

describe("describeError", () => {
  test.each([
    appError("PLAN_REQUIRED", "Voice support is included in the Pro plan. Upgrade to use it.", {
      upgradeTo: { plan: "pro", name: "Pro" },
    }),
    appError("QUOTA_EXCEEDED", "The Free plan includes 0 voice minutes. Upgrade for more."),
  ])("a plan's refusal is a polite 'not available', without the upgrade talk", (error) => {
    const { message } = describeError(error);
    expect(message).toContain("isn't available right now");
    expect(message).not.toMatch(/upgrade|plan/i);
  });

  test("other errors keep their message", () => {
    expect(describeError(appError("NOT_FOUND", "This conversation does not exist."))).toEqual({
      code: "NOT_FOUND",
      message: "This conversation does not exist.",
    });
  });
});
