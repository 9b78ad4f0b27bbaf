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
import type { Id } from "../_generated/dataModel";

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

describe("private/widgetSettings logo", () => {
  /** POST a file to the URL from generateLogoUploadUrl, as the dashboard does. */
  const post = async (t: ReturnType<typeof setup>, type: string, bytes = 64, orgId = "org_a") => {
    const url = new URL(
      await asAdmin(t, orgId).mutation(api.private.widgetSettings.generateLogoUploadUrl, {}),
    );
    const response = await t.fetch(`${url.pathname}${url.search}`, {
      method: "POST",
      headers: type ? { "content-type": type } : {},
      body: new Uint8Array(bytes),
    });
    return {
      status: response.status,
      body: (await response.json()) as { storageId?: Id<"_storage">; message?: string },
    };
  };
  const upload = async (t: ReturnType<typeof setup>, type: string, bytes = 64, orgId = "org_a") =>
    (await post(t, type, bytes, orgId)).body.storageId!;
  const logoUrl = async (t: ReturnType<typeof setup>, orgId = "org_a") =>
    (await t.query(api.public.widgetSettings.getByOrganization, { organizationId: orgId })).logoUrl;
  const fileExists = (t: ReturnType<typeof setup>, id: Id<"_storage">) =>
    t.run(async (ctx) => (await ctx.db.system.get("_storage", id)) !== null);

  test("an admin uploads a logo; the widget gets its URL; a new one replaces and deletes the old", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    expect(await admin.mutation(api.private.widgetSettings.generateLogoUploadUrl, {})).toMatch(
      /^https?:\/\//,
    );
    const first = await upload(t, "image/png");
    await admin.mutation(api.private.widgetSettings.setLogo, { storageId: first });
    expect((await admin.query(api.private.widgetSettings.get, {}))?.logoStorageId).toBe(first);
    expect(await logoUrl(t)).toEqual(expect.any(String));

    const second = await upload(t, "image/webp");
    await admin.mutation(api.private.widgetSettings.setLogo, { storageId: second });
    expect((await admin.query(api.private.widgetSettings.get, {}))?.logoStorageId).toBe(second);
    expect(await fileExists(t, first)).toBe(false);

    await admin.mutation(api.private.widgetSettings.setLogo, { storageId: null });
    expect(await logoUrl(t)).toBeNull();
    expect(await fileExists(t, second)).toBe(false);
  });

  test.each([
    ["image/svg+xml", 64, "The logo must be a PNG, JPEG, WebP or GIF image."],
    ["text/html", 64, "The logo must be a PNG, JPEG, WebP or GIF image."],
    ["", 64, "The logo must be a PNG, JPEG, WebP or GIF image."],
    ["image/png", 512 * 1024 + 1, "The logo must be at most 512 KB."],
  ])("refuses a %j file of %d bytes, keeping the current logo", async (type, bytes, message) => {
    const t = setup();
    await createOrganization(t, "org_a");
    const admin = asAdmin(t, "org_a");
    const current = await upload(t, "image/png");
    await admin.mutation(api.private.widgetSettings.setLogo, { storageId: current });
    // The upload route refuses it before storing anything.
    const refused = await post(t, type, bytes);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).toEqual({ code: "INVALID_INPUT", message });
    expect(
      await t.run(async (ctx) => (await ctx.db.system.query("_storage").collect()).length),
    ).toBe(1);
    expect((await admin.query(api.private.widgetSettings.get, {}))?.logoStorageId).toBe(current);
    expect(await fileExists(t, current)).toBe(true);
  });

  test("another organization's logo file cannot be claimed (nor deleted by replacing it)", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await createOrganization(t, "org_b");
    const logoOfA = await upload(t, "image/png");
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.setLogo, { storageId: logoOfA });
    expect(
      await errorData(
        asAdmin(t, "org_b").mutation(api.private.widgetSettings.setLogo, { storageId: logoOfA }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect(await logoUrl(t, "org_b")).toBeNull();
    expect(await fileExists(t, logoOfA)).toBe(true);
  });

  test("operators cannot upload or change the logo", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const operator = asOperator(t, "org_a");
    const file = await upload(t, "image/png");
    expect(file).toEqual(expect.any(String));
    for (const call of [
      operator.mutation(api.private.widgetSettings.generateLogoUploadUrl, {}),
      operator.mutation(api.private.widgetSettings.setLogo, { storageId: file }),
    ]) {
      expect(await errorData(call)).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await logoUrl(t)).toBeNull();
  });
});
