/**
 * Journey: a visitor calls an organization that connected Vapi. The stack's
 * backend talks to a loopback server speaking Vapi's REST API
 * (packages/backend/test/vapiServer.ts, served on the port the stack was
 * given as VAPI_API_URL), and so does the widget's real `@vapi-ai/web` SDK:
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
import { createServer, type Server } from "node:http";

import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { startVapiServer, type VapiServer } from "../../backend/test/vapiServer";
import { callAsMember, simulatePlan } from "./dashboard";
import { FAKE_MICROPHONE, usePages } from "./harness";

const stack = inject("stack");
const PHONE = "+14155550123";
const newPage = usePages(FAKE_MICROPHONE);

let vapi: VapiServer;
let relay: Server;

/**
 * Serve the loopback Vapi on the port the stack's backend was started with:
 * a relay to this file's own server, whose behaviour the tests can switch.
 */
async function serveVapiOnStackPort(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === "string",
        ),
      );
      delete headers.host;
      delete headers["content-length"];
      fetch(`${target}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(stack.vapiPort, "127.0.0.1", resolve));
  return server;
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

const callRequests = () => vapi.requests.filter((request) => request.path === "/call/web");

beforeAll(async () => {
  vapi = await startVapiServer({
    assistants: [{ name: "Support line" }],
    phoneNumbers: [PHONE],
  });
  relay = await serveVapiOnStackPort(vapi.url);
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
    publicKey: vapi.publicKey,
    privateKey: vapi.privateKey,
  });
  await useVapiAssistantAndNumber();
});

afterAll(async () => {
  await callAsMember("admin", "mutation", "private/vapi:disconnect", {}).catch(() => {});
  await callAsMember("admin", "mutation", "private/widgetSettings:update", { voiceEnabled: false });
  await simulatePlan("free");
  await new Promise((resolve) => relay?.close(resolve));
  await vapi?.close();
});

describe("a visitor calls through Vapi", () => {
  test("the Vapi SDK loads only on Start call; Vapi's concurrency limit shows 'all lines busy' and the way back to chat", async () => {
    const page = await newPage();
    const scripts = watchScripts(page);
    const widget = await openVoice(page);
    await widget.getByRole("button", { name: "Start call", exact: true }).waitFor();
    // The chat and the voice screen are loaded, and none of their scripts is the SDK.
    expect(scripts.count()).toBeGreaterThan(0);
    expect(await scripts.withSdk()).toEqual([]);
    expect(callRequests()).toHaveLength(0);
    const before = scripts.count();

    vapi.behaviour.concurrencyLimitReached = true;
    await widget.getByRole("button", { name: "Start call", exact: true }).click();
    await widget.getByText(/All lines are busy right now/).waitFor();
    // The SDK was fetched on the click, and it asked Vapi for the call.
    expect((await scripts.withSdk(before)).length).toBeGreaterThan(0);
    const [request] = callRequests();
    expect(request?.authorization).toBe(`Bearer ${vapi.publicKey}`);
    expect(request?.body).toMatchObject({
      assistantId: [...vapi.assistants.keys()][0],
      assistantOverrides: { metadata: { parleyConversationId: expect.any(String) } },
    });

    await widget.getByRole("button", { name: "Continue in chat", exact: true }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
  });

  test("a call Vapi refuses says so and leads back to chat", async () => {
    vapi.behaviour.concurrencyLimitReached = false;
    const page = await newPage();
    const widget = await openVoice(page);
    // Vapi answers this account's calls with an error (e.g. a revoked key).
    vapi.behaviour.failure = { status: 401, message: "Invalid Key." };
    try {
      await widget.getByRole("button", { name: "Start call", exact: true }).click();
      await widget.getByText(/The call could not be started \(Invalid Key\.\)/).waitFor();
    } finally {
      vapi.behaviour.failure = null;
    }
    await widget.getByRole("button", { name: "Continue in chat", exact: true }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
  });

  test("the organization's phone number is offered with a tel: link and a copy button", async () => {
    const page = await newPage();
    const widget = await openVoice(page);
    const contact = widget.getByRole("region", { name: "Call us by phone" });
    const link = contact.getByRole("link", { name: PHONE });
    expect(await link.getAttribute("href")).toBe(`tel:${PHONE}`);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: stack.urls.widget,
    });
    await contact.getByRole("button", { name: "Copy", exact: true }).click();
    await contact.getByRole("button", { name: "Copied", exact: true }).waitFor();
  });
});
