import { describe, expect, test } from "vitest";

import { pack, PROTOCOL_VERSION, readHostMessage, readWidgetMessage } from "./index";

describe("widget protocol", () => {
  test("messages survive a round trip through the structured clone postMessage uses", () => {
    const init = pack({
      type: "init",
      pageUrl: "https://shop.test/p?q=1",
      referrer: "",
      identity: { name: "Ada", email: "ada@example.com" },
      open: true,
    });
    expect(init.parley).toBe(PROTOCOL_VERSION);
    expect(readHostMessage(structuredClone(init))).toEqual({
      type: "init",
      pageUrl: "https://shop.test/p?q=1",
      referrer: "",
      identity: { name: "Ada", email: "ada@example.com" },
      open: true,
    });
    expect(readHostMessage(pack({ type: "visibility", open: false }))).toEqual({
      type: "visibility",
      open: false,
    });
    expect(readHostMessage(pack({ type: "identify", identity: {} }))).toEqual({
      type: "identify",
      identity: { name: undefined, email: undefined },
    });
    expect(readWidgetMessage(pack({ type: "ready" }))).toEqual({ type: "ready" });
    expect(readWidgetMessage(pack({ type: "close" }))).toEqual({ type: "close" });
    expect(readWidgetMessage(pack({ type: "unread", count: 2 }))).toEqual({
      type: "unread",
      count: 2,
    });
    expect(
      readWidgetMessage(pack({ type: "settings", color: "#0F766E", position: "bottom-left" })),
    ).toEqual({ type: "settings", color: "#0F766E", position: "bottom-left" });
  });

  test("unrelated, versionless, other-version and malformed messages are dropped", () => {
    for (const data of [
      null,
      "ready",
      42,
      { type: "ready" },
      { type: "ready", parley: PROTOCOL_VERSION + 1 },
      { parley: PROTOCOL_VERSION },
      { type: "settings", parley: PROTOCOL_VERSION, color: "red", position: "bottom-right" },
      {
        type: "settings",
        parley: PROTOCOL_VERSION,
        color: "#000000;background:url(https://evil.test)",
        position: "bottom-right",
      },
      { type: "settings", parley: PROTOCOL_VERSION, color: "#000000", position: "top" },
      { type: "unread", parley: PROTOCOL_VERSION, count: -1 },
      { type: "unread", parley: PROTOCOL_VERSION, count: "3" },
      { type: "init", parley: PROTOCOL_VERSION },
    ]) {
      expect(readWidgetMessage(data)).toBeNull();
    }
    for (const data of [
      {
        type: "init",
        parley: PROTOCOL_VERSION,
        pageUrl: 1,
        referrer: "",
        identity: {},
        open: true,
      },
      {
        type: "init",
        parley: PROTOCOL_VERSION,
        pageUrl: "https://a.test",
        referrer: "",
        identity: { name: 5 },
        open: true,
      },
      { type: "visibility", parley: PROTOCOL_VERSION, open: "yes" },
      { type: "identify", parley: PROTOCOL_VERSION, identity: null },
      // A widget message is not a host message.
      { type: "ready", parley: PROTOCOL_VERSION },
    ]) {
      expect(readHostMessage(data)).toBeNull();
    }
  });
});
