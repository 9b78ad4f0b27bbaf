import { describe, expect, test } from "vitest";

import { asAdmin, createOrganization, errorData, setup } from "../../test/setup";
import { api } from "../_generated/api";

describe("public/widgetSettings.getByOrganization", () => {
  test("returns exactly the public fields, never allowed domains or internal ids", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
      greeting: "Hello from Acme",
      allowedDomains: ["acme.com"],
    });
    const settings = await t.query(api.public.widgetSettings.getByOrganization, {
      organizationId: "org_a",
    });
    expect(settings).toEqual({
      organizationId: "org_a",
      organizationName: "Organization org_a",
      agentName: "Support",
      greeting: "Hello from Acme",
      suggestions: [],
      primaryColor: "#4f46e5",
      position: "bottom-right",
      logoUrl: null,
      preChatFields: { name: "optional", email: "optional" },
      voiceEnabled: false,
      // Allowed domains are listed and no host page was named: the widget must refuse.
      embedAllowed: false,
    });
  });

  test("says whether the host page may embed the widget, never revealing the list", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const embedAllowed = async (hostOrigin?: string) =>
      (
        await t.query(api.public.widgetSettings.getByOrganization, {
          organizationId: "org_a",
          hostOrigin,
        })
      ).embedAllowed;

    // No list: every host may embed.
    expect(await embedAllowed("https://anywhere.test")).toBe(true);
    expect(await embedAllowed()).toBe(true);

    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
      allowedDomains: ["shop.acme.com", "*.acme.dev"],
    });
    expect(await embedAllowed("https://shop.acme.com")).toBe(true);
    expect(await embedAllowed("https://preview.acme.dev")).toBe(true);
    expect(await embedAllowed("https://acme.dev")).toBe(false);
    expect(await embedAllowed("https://copycat.test")).toBe(false);
    expect(await embedAllowed()).toBe(false);

    const settings = await t.query(api.public.widgetSettings.getByOrganization, {
      organizationId: "org_a",
      hostOrigin: "https://copycat.test",
    });
    expect(JSON.stringify(settings)).not.toMatch(/acme\.(com|dev)/);
  });

  test("an unknown organization id is not found; an absurd one is refused", async () => {
    const t = setup();
    expect(
      await errorData(
        t.query(api.public.widgetSettings.getByOrganization, { organizationId: "org_missing" }),
      ),
    ).toEqual({ code: "NOT_FOUND", message: "This support widget is not configured." });
    expect(
      await errorData(
        t.query(api.public.widgetSettings.getByOrganization, { organizationId: "x".repeat(5000) }),
      ),
    ).toEqual({
      code: "INVALID_INPUT",
      message: "organizationId is too long: 5000 characters, the limit is 64.",
    });
  });
});

describe("public/widgetSettings.frameAncestor", () => {
  test("binds the frame to the host page the loader named, only when an allow-list admits it", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    const frameAncestor = (hostOrigin?: string) =>
      t.query(api.public.widgetSettings.frameAncestor, { organizationId: "org_a", hostOrigin });

    // No list: no policy, so any site (and a site builder's preview frame) may embed.
    expect(await frameAncestor("https://anywhere.test")).toBeNull();

    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, {
      allowedDomains: ["shop.acme.com", "*.acme.dev"],
    });
    expect(await frameAncestor("https://shop.acme.com")).toBe("https://shop.acme.com");
    expect(await frameAncestor("https://eu.acme.dev:8443/some/page?q=1")).toBe(
      "https://eu.acme.dev:8443",
    );
    // Not allowed, missing or malformed: no policy; the widget itself refuses and says why.
    expect(await frameAncestor("https://evil.test")).toBeNull();
    expect(await frameAncestor()).toBeNull();
    expect(await frameAncestor("javascript:alert(1)")).toBeNull();
  });

  test("an unknown organization is not found", async () => {
    const t = setup();
    expect(
      await errorData(
        t.query(api.public.widgetSettings.frameAncestor, {
          organizationId: "org_missing",
          hostOrigin: "https://shop.acme.com",
        }),
      ),
    ).toMatchObject({ code: "NOT_FOUND" });
  });
});
