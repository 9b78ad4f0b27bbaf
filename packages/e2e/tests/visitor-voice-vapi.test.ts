/**
 * Journey: a visitor calls an organization that connected Vapi. The stack's
 * backend talks to a loopback server speaking Vapi's REST API
 * (packages/backend/test/vapiServer.ts, started by global-setup.ts as
 * VAPI_API_URL), and so does the widget's real `@vapi-ai/web` SDK:
 * `new Vapi(publicKey, apiBaseUrl)` → `POST /call/web`.
 *
 * What cannot be tested here: a call that connects. After `POST /call/web`
 * the SDK joins a Daily room, and Daily fetches its call machine from its CDN
 * and streams audio through its servers; none of that is reachable offline,
 * and faking Daily would test a fake. So these journeys cover what happens up
 * to and including Vapi's answer: the SDK loaded only on "Start call", the
 * request it makes, a refused call and the concurrency limit ("all lines
 * busy"), each with a way back to chat; and the phone number's contact line.
 */
import type { Page, Request, Response } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from "vitest";

import { callAsMember, simulatePlan } from "./dashboard";
import { FAKE_MICROPHONE, usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages(FAKE_MICROPHONE);
/** The number the admin picks from the account's Vapi numbers, shown to visitors. */
const PHONE = stack.vapi.phoneNumbers[0]!;

/** Switch the loopback Vapi's failure modes (its test-only control route). */
async function vapiBehaviour(behaviour: {
  failure?: { status: number; message: string } | null;
  concurrencyLimitReached?: boolean;
}) {
  const response = await fetch(`${stack.vapi.url}/__test/behaviour`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(behaviour),
  });
  if (!response.ok) throw new Error(`the loopback Vapi refused: ${await response.text()}`);
}

/** Text only the Vapi web SDK (its REST client's default URL) and Daily's SDK contain. */
const SDK_MARKERS = ["https://api.vapi.ai", "daily-js"];

/** The widget's scripts as the page fetches them, and whether each holds the Vapi SDK. */
function watchScripts(page: Page) {
  const scripts: { url: string; sdk: Promise<boolean> }[] = [];
  page.on("response", (response: Response) => {
    const url = response.url();
    if (!url.startsWith(stack.urls.widget) || !url.endsWith(".js")) return;
    scripts.push({
      url,
      sdk: response
        .text()
        .then((text) => SDK_MARKERS.some((marker) => text.includes(marker)))
        .catch(() => false),
    });
  });
  return {
    count: () => scripts.length,
    /** Scripts fetched so far (from `from` on) that contain the SDK. */
    withSdk: async (from = 0) => {
      const found: string[] = [];
      for (const script of scripts.slice(from)) if (await script.sdk) found.push(script.url);
      return found;
    },
  };
}

async function openVoice(page: Page) {
  await page.goto(stack.urls.demo);
  await page.getByRole("button", { name: "Open chat" }).click();
  const widget = page.frameLocator('iframe[title="Parley chat"]');
  await widget.getByLabel("Name").fill("Vera Vapi");
  await widget.getByLabel("Email").fill("vera@visitor.test");
  await widget.getByRole("button", { name: "Start chatting" }).click();
  await widget.getByRole("button", { name: "Start a voice call", exact: true }).click();
  await widget.getByText(/your browser will ask to use the microphone/).waitFor();
  return widget;
}

/** The calls the page asked Vapi for, as the browser sent them. */
function watchCallRequests(page: Page) {
  const calls: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url() === `${stack.vapi.url}/call/web`) {
      calls.push(request);
    }
  });
  return calls;
}

/**
 * The admin's choice on the Voice page: the account's existing assistant, and
 * the number shown to visitors. vapi-backend has no private function for it
 * yet (only connect/get/disconnect), and `public/voice.config` answers "vapi"
 * only once an assistant is chosen: until that function exists this journey
 * is skipped. Wire it here (one call) and drop the `.skip`.
 */
function useVapiAssistantAndNumber(): Promise<void> {
  return Promise.reject(
    new Error("private/vapi has no function to choose the assistant and phone number yet"),
  );
}

describe.skip("a visitor calls through Vapi (skipped: no private function picks the assistant yet)", () => {
  beforeAll(async () => {
    await simulatePlan("pro");
    // The plan change is applied by the webhook's mutation; switching voice on follows it.
    for (let attempt = 1; ; attempt++) {
      try {
        await callAsMember("admin", "mutation", "private/widgetSettings:update", {
          voiceEnabled: true,
        });
        break;
      } catch (error) {
        if (attempt === 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await callAsMember("admin", "action", "private/vapi:connect", {
      publicKey: stack.vapi.publicKey,
      privateKey: stack.vapi.privateKey,
    });
    await useVapiAssistantAndNumber();
  });

  afterEach(async () => {
    await vapiBehaviour({ failure: null, concurrencyLimitReached: false });
  });

  afterAll(async () => {
    await callAsMember("admin", "mutation", "private/vapi:disconnect", {});
    await callAsMember("admin", "mutation", "private/widgetSettings:update", {
      voiceEnabled: false,
    });
    await simulatePlan("free");
  });

  test("the Vapi SDK loads only on Start call; Vapi's concurrency limit shows 'all lines busy' and the way back to chat", async () => {
    const page = await newPage();
    const scripts = watchScripts(page);
    const calls = watchCallRequests(page);
    const widget = await openVoice(page);
    await widget.getByRole("button", { name: "Start call", exact: true }).waitFor();
    // The chat and the voice screen are loaded, and none of their scripts is the SDK.
    expect(scripts.count()).toBeGreaterThan(0);
    expect(await scripts.withSdk()).toEqual([]);
    expect(calls).toHaveLength(0);
    const before = scripts.count();

    await vapiBehaviour({ concurrencyLimitReached: true });
    await widget.getByRole("button", { name: "Start call", exact: true }).click();
    await widget.getByText(/All lines are busy right now/).waitFor();
    // The SDK was fetched on the click, and it asked Vapi for the call.
    expect((await scripts.withSdk(before)).length).toBeGreaterThan(0);
    expect(calls).toHaveLength(1);
    expect(await calls[0]!.headerValue("authorization")).toBe(`Bearer ${stack.vapi.publicKey}`);
    const body = calls[0]!.postDataJSON() as {
      assistantId?: unknown;
      assistantOverrides?: { metadata?: { parleyConversationId?: unknown } };
    };
    expect(typeof body.assistantId).toBe("string");
    expect(typeof body.assistantOverrides?.metadata?.parleyConversationId).toBe("string");

    await widget.getByRole("button", { name: "Continue in chat", exact: true }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
  });

  test("a call Vapi refuses says so and leads back to chat", async () => {
    const page = await newPage();
    const widget = await openVoice(page);
    // Vapi answers this account's calls with an error (e.g. a revoked key).
    await vapiBehaviour({ failure: { status: 401, message: "Invalid Key." } });
    await widget.getByRole("button", { name: "Start call", exact: true }).click();
    await widget.getByText(/The call could not be started \(Invalid Key\.\)/).waitFor();
    await widget.getByRole("button", { name: "Continue in chat", exact: true }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
  });

  test("the organization's phone number is offered with a tel: link and a copy button", async () => {
    const page = await newPage();
    const widget = await openVoice(page);
    const contact = widget.getByRole("region", { name: "Call us by phone" });
    const link = contact.getByRole("link", { name: PHONE });
    expect(await link.getAttribute("href")).toBe(`tel:${PHONE.replace(/[^+\d]/g, "")}`);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: stack.urls.widget,
    });
    await contact.getByRole("button", { name: "Copy", exact: true }).click();
    await contact.getByRole("button", { name: "Copied", exact: true }).waitFor();
  });
});
