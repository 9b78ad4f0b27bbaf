import { describe, expect, test } from "vitest";

import { changedFields, withDomain, type SettingsValues } from "./settings-form";

const saved: SettingsValues = {
  agentName: "Ava",
  greeting: "Hi!",
  suggestions: ["Shipping?", "Returns?"],
  primaryColor: "#0f766e",
  position: "bottom-right",
  preChatFields: { name: "optional", email: "required" },
  allowedDomains: ["shop.example.com"],
  voiceEnabled: false,
};

describe("changedFields", () => {
  test("an untouched form sends nothing", () => {
    expect(changedFields(saved, structuredClone(saved))).toEqual({});
  });

  test("sends only the fields that differ, whole", () => {
    const draft: SettingsValues = {
      ...structuredClone(saved),
      greeting: "Hello!",
      suggestions: ["Shipping?", "Sizes?"],
      preChatFields: { name: "optional", email: "off" },
    };
    expect(changedFields(saved, draft)).toEqual({
      greeting: "Hello!",
      suggestions: ["Shipping?", "Sizes?"],
      preChatFields: { name: "optional", email: "off" },
    });
  });

  test("an emptied list is a change (it allows every site), and so is a reordered one", () => {
    expect(changedFields(saved, { ...saved, allowedDomains: [] })).toEqual({ allowedDomains: [] });
    expect(changedFields(saved, { ...saved, suggestions: ["Returns?", "Shipping?"] })).toEqual({
      suggestions: ["Returns?", "Shipping?"],
    });
  });

  test("a flag turned on and back off is no change", () => {
    expect(changedFields(saved, { ...saved, voiceEnabled: true })).toEqual({ voiceEnabled: true });
    expect(changedFields(saved, { ...saved, voiceEnabled: false })).toEqual({});
  });
});

describe("withDomain", () => {
  test("adds a trimmed entry once, ignoring case and blanks", () => {
    expect(withDomain(["shop.example.com"], "  *.example.com ")).toEqual([
      "shop.example.com",
      "*.example.com",
    ]);
    expect(withDomain(["shop.example.com"], "Shop.Example.com")).toEqual(["shop.example.com"]);
    expect(withDomain([], "   ")).toEqual([]);
  });
});
