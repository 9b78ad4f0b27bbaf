import { describe, expect, test } from "vitest";

import {
  asAdmin,
  asOperator,
  createOrganization,
  errorData,
  setup,
  startSession,
  type Test,
} from "../../test/setup";
import { api } from "../_generated/api";

async function visit(t: Test, orgId: string, pageUrl?: string) {
  await startSession(t, { organizationId: orgId, metadata: pageUrl ? { pageUrl } : {} });
}

const DASHBOARD = "https://app.parley.test";

describe("private/onboarding.get", () => {
  test("a new organization has nothing done", async () => {
    const t = setup();
    await asAdmin(t, "org_a").mutation(api.private.organizations.bootstrap, {});
    expect(
      await asAdmin(t, "org_a").query(api.private.onboarding.get, { dashboardOrigin: DASHBOARD }),
    ).toEqual({
      knowledge: false,
      widget: false,
      installed: false,
      tested: false,
      teammate: false,
    });
  });

  test("each step ticks itself from real data", async () => {
    const t = setup();
    await asAdmin(t, "org_a").mutation(api.private.organizations.bootstrap, {});
    const admin = asAdmin(t, "org_a");
    const get = () => admin.query(api.private.onboarding.get, { dashboardOrigin: DASHBOARD });

    await admin.mutation(api.private.knowledgeBase.addText, { title: "FAQ", text: "Hours: 9-5." });
    expect(await get()).toMatchObject({ knowledge: true, widget: false });

    // Saving the defaults unchanged is not customizing.
    await admin.mutation(api.private.widgetSettings.update, { agentName: "Support" });
    expect((await get()).widget).toBe(false);
    await admin.mutation(api.private.widgetSettings.update, { primaryColor: "#0f766e" });
    expect((await get()).widget).toBe(true);

    // The widget opened on its own page, or from the dashboard's test page: tested, not installed.
    await visit(t, "org_a", "https://widget.parley.test/?organizationId=org_a");
    await visit(t, "org_a", `${DASHBOARD}/try-widget?organizationId=org_a`);
    await visit(t, "org_a");
    expect(await get()).toMatchObject({ tested: true, installed: false });
    // A visitor on the customer's site.
    await visit(t, "org_a", "https://shop.example.com/pricing");
    expect(await get()).toMatchObject({ tested: true, installed: true });

    await admin.mutation(api.private.members.add, {
      externalId: "user_2",
      name: "Second",
      email: "second@example.com",
      role: "operator",
    });
    expect(await get()).toEqual({
      knowledge: true,
      widget: true,
      installed: true,
      tested: true,
      teammate: true,
    });
  });

  test("operators see it too; signed-out callers do not", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    expect((await asOperator(t, "org_a").query(api.private.onboarding.get, {})).teammate).toBe(
      true,
    );
    expect(await errorData(t.query(api.private.onboarding.get, {}))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  test("another organization's progress is not counted", async () => {
    const t = setup();
    await createOrganization(t, "org_a");
    await asAdmin(t, "org_b").mutation(api.private.organizations.bootstrap, {});
    await asAdmin(t, "org_a").mutation(api.private.knowledgeBase.addText, {
      title: "FAQ",
      text: "Hours: 9-5.",
    });
    await asAdmin(t, "org_a").mutation(api.private.widgetSettings.update, { greeting: "Hello A" });
    await visit(t, "org_a", "https://a.example.com/");
    expect(await asAdmin(t, "org_b").query(api.private.onboarding.get, {})).toEqual({
      knowledge: false,
      widget: false,
      installed: false,
      tested: false,
      teammate: false,
    });
  });
});
