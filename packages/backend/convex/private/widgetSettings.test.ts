import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  setup,
  snapshotTables,
} from "../../test/setup";
import { api } from "../_generated/api";

describe("private/widgetSettings", () => {
  test("a new organization starts with the default settings", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const settings = await asOperator(t, "org_a").query(api.private.widgetSettings.get, {});
    expect(settings).toMatchObject({
      agentName: "Support",
      primaryColor: "#4f46e5",
      position: "bottom-right",
      allowedDomains: [],
      voiceEnabled: false,
    });
  });

  test("an admin updates settings; values are normalised and the change is audited", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    await admin.mutation(api.private.widgetSettings.update, {
      greeting: "  Welcome to Acme!  ",
      suggestions: ["Where is my order?", "Refund policy"],
      primaryColor: "#FF5500",
      allowedDomains: ["https://Shop.Example.com/path", "*.acme.io", "shop.example.com"],
      preChatFields: { name: "required", email: "off" },
    });
    const settings = await admin.query(api.private.widgetSettings.get, {});
    expect(settings).toMatchObject({
      greeting: "Welcome to Acme!",
      suggestions: ["Where is my order?", "Refund policy"],
      primaryColor: "#ff5500",
      allowedDomains: ["shop.example.com", "*.acme.io"],
      preChatFields: { name: "required", email: "off" },
    });
    const logs = await t.run(async (ctx) => ctx.db.query("auditLogs").collect());
    expect(logs.at(-1)).toMatchObject({
      action: "widgetSettings.updated",
      details: { fields: "allowedDomains,greeting,preChatFields,primaryColor,suggestions" },
    });
  });

  test("operators cannot change settings", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    const error = await errorData(
      asOperator(t, "org_a").mutation(api.private.widgetSettings.update, { greeting: "Hacked" }),
    );
    expect(error).toEqual({
      code: "FORBIDDEN",
      message: "Only an organization admin can do this.",
    });
    expect(await snapshotTables(t)).toEqual(before);
  });

  test.each([
    [{ primaryColor: "red" }, "Color must be a hex color like #4f46e5."],
    [{ greeting: "   " }, "Greeting cannot be empty."],
    [{ suggestions: ["a", "b", "c", "d"] }, "At most 3 suggestions are shown."],
    [{ suggestions: [""] }, "A suggestion cannot be empty."],
    [
      { allowedDomains: ["not a domain"] },
      '"not a domain" is not a valid domain, e.g. example.com or *.example.com.',
    ],
    [{ agentName: "x".repeat(61) }, "Agent name must be at most 60 characters."],
  ])("rejects %j with a clear message and changes nothing", async (args, message) => {
    const t = setup();
    await createOrganization(t, "org_a");
    const before = await snapshotTables(t);
    expect(
      await errorData(asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, args)),
    ).toEqual({
      code: "INVALID_INPUT",
      message,
    });
    expect(await snapshotTables(t)).toEqual(before);
  });
});
