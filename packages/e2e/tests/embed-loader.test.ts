/**
 * Journey: the host page drives the embed through `window.Parley` and the
 * message protocol: identify() prefills the pre-chat form, the launcher takes
 * the organization's color, Escape closes the chat, an operator's reply that
 * arrives while the chat is closed shows an unread badge, and phones get the
 * chat full screen.
 */
import { DEMO_WIDGET } from "@parley/dev";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { callAsMember } from "./dashboard";
import { launchBrowser } from "./harness";

const stack = inject("stack");

/** The part of the loader's `window.Parley` these tests call. */
type Parley = {
  on(event: string, listener: (count?: number) => void): () => void;
  identify(identity: { name?: string; email?: string }): void;
  destroy(): void;
};
declare global {
  interface Window {
    Parley?: Parley;
  }
}
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** "#0f766e" as the browser reports a computed color. */
function rgb(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The launcher's computed background color (Playwright's locators see into its shadow root). */
const launcherColor = (page: Page) =>
  page
    .locator("parley-chat button[aria-expanded]")
    .evaluate((launcher) => getComputedStyle(launcher).backgroundColor);

describe("the embed loader's API and protocol", () => {
  test("identify, launcher color, Escape, an unread badge for a reply while closed, CSAT", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.urls.demo);
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { parleyEvents: string[] }).parleyEvents = log;
      for (const event of ["ready", "open", "close", "unread"] as const) {
        window.Parley!.on(event, (count) =>
          log.push(count === undefined ? event : `${event}:${count}`),
        );
      }
      window.Parley!.identify({ name: "Ida Identified", email: "ida@host.test" });
    });

    await page.getByRole("button", { name: "Open chat" }).click();
    const widget: FrameLocator = page.frameLocator('iframe[title="Parley chat"]');
    // identify() reached the widget through the protocol and prefilled the form.
    await expect.poll(() => widget.getByLabel("Name").inputValue()).toBe("Ida Identified");
    expect(await widget.getByLabel("Email").inputValue()).toBe("ida@host.test");
    // The widget told the loader the organization's color.
    await expect.poll(() => launcherColor(page)).toBe(rgb(DEMO_WIDGET.primaryColor));

    await widget.getByRole("button", { name: "Start chatting" }).click();
    await widget.getByRole("button", { name: "Start a new chat" }).click();
    await widget.getByRole("button", { name: "Talk to a human" }).click();
    await widget.locator('[data-role="system"]').waitFor();

    // Escape (here, inside the widget) closes the chat.
    await widget.getByRole("textbox", { name: "Message" }).press("Escape");
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    expect(await page.locator('iframe[title="Parley chat"]').isVisible()).toBe(false);

    // An operator answers while the chat is closed: the launcher shows it.
    const sessionToken = await page
      .frames()
      .find((frame) => frame.url().startsWith(stack.urls.widget))!
      .evaluate((key) => localStorage.getItem(key), `parley:session:${stack.organizationId}`);
    const conversations = (await (
      await fetch(`${stack.urls.backend}/api/query`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          path: "public/conversations:list",
          args: { sessionToken, paginationOpts: { numItems: 1, cursor: null } },
          format: "json",
        }),
      })
    ).json()) as { value: { page: { _id: string }[] } };
    const conversationId = conversations.value.page[0]!._id;
    // The team sees who the visitor is and the host page they wrote from (passed by the loader).
    expect(
      await callAsMember("operator", "query", "private/conversations:get", { conversationId }),
    ).toMatchObject({
      status: "escalated",
      contact: {
        name: "Ida Identified",
        email: "ida@host.test",
        metadata: { pageUrl: `${stack.urls.demo}/`, language: expect.any(String) as string },
      },
    });
    await callAsMember("operator", "mutation", "private/messages:send", {
      conversationId,
      body: "Hi, Oscar here. How can I help?",
    });
    await page.getByRole("button", { name: "Open chat (1 unread)" }).waitFor();

    // Opening clears the badge and shows the operator's reply.
    await page.getByRole("button", { name: "Open chat" }).click();
    await widget
      .locator('[data-role="operator"]', { hasText: "Hi, Oscar here. How can I help?" })
      .waitFor();
    // Escape on the host page closes it as well.
    await page.locator("body").press("Escape");
    await page.getByRole("button", { name: "Open chat", exact: true }).waitFor();

    const events = await page.evaluate(
      () => (window as unknown as { parleyEvents: string[] }).parleyEvents,
    );
    expect(events).toContain("ready");
    expect(events.filter((event) => event === "open")).toHaveLength(2);
    expect(events.filter((event) => event === "close")).toHaveLength(2);
    expect(events).toContain("unread:1");

    // The team ends the conversation: the visitor sees it live and rates it.
    await page.getByRole("button", { name: "Open chat" }).click();
    await callAsMember("operator", "mutation", "private/conversations:setStatus", {
      conversationId,
      status: "resolved",
    });
    await widget.getByText("This conversation has ended.").waitFor();
    expect(await widget.getByRole("textbox", { name: "Message" }).count()).toBe(0);
    await widget.getByRole("radio", { name: "4 out of 5" }).click();
    await widget.getByRole("textbox", { name: "Comment" }).fill("Oscar was quick.");
    await widget.getByRole("button", { name: "Send feedback" }).click();
    await widget.getByText("You rated this conversation 4 out of 5.").waitFor();
    const rated = (await (
      await fetch(`${stack.urls.backend}/api/query`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          path: "public/conversations:get",
          args: { sessionToken, conversationId },
          format: "json",
        }),
      })
    ).json()) as { value: { csat?: unknown } };
    expect(rated.value.csat).toEqual({ rating: 4, comment: "Oscar was quick." });
    await context.close();
  });

  test("calls made through the snippet's stub before the loader arrives are replayed in order", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Hold the loader back until the page has made its calls, as a slow network would.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/parley.js", async (route) => {
      await released;
      await route.continue();
    });
    // What a customer pastes above the script tag: the stub, then calls made before the loader arrives.
    // (An init script runs before the demo page's own scripts, like an inline one above the tag.)
    await page.addInitScript(() => {
      type Stub = ((...args: unknown[]) => void) & { q?: unknown[] };
      const w = window as unknown as { Parley?: Stub; parleyEvents: string[] };
      w.Parley =
        w.Parley ||
        function () {
          // eslint-disable-next-line prefer-rest-params -- the customer snippet queues `arguments`
          (w.Parley!.q = w.Parley!.q || []).push(arguments);
        };
      const events: string[] = (w.parleyEvents = []);
      w.Parley("on", "ready", () => events.push("ready"));
      w.Parley("on", "open", () => events.push("open"));
      w.Parley("identify", { name: "Quinn Queued", email: "quinn@host.test" });
      w.Parley("noSuchMethod");
      w.Parley("open");
    });
    // Not "load": that waits for the held-back async script.
    await page.goto(stack.urls.demo, { waitUntil: "domcontentloaded" });
    expect(await page.evaluate(() => typeof window.Parley)).toBe("function");
    expect(await page.getByRole("button", { name: /chat/ }).count()).toBe(0);
    release();

    // The queued open() ran after the loader's own init: the chat is open, and identify() prefilled it.
    const widget = page.frameLocator('iframe[title="Parley chat"]');
    await expect.poll(() => widget.getByLabel("Name").inputValue()).toBe("Quinn Queued");
    expect(await widget.getByLabel("Email").inputValue()).toBe("quinn@host.test");
    await page.getByRole("button", { name: "Close chat" }).waitFor();
    // The listeners queued first heard the queued open(), then the widget's ready (React's
    // development mode may mount the widget twice, so "ready" can repeat).
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { parleyEvents: string[] }).parleyEvents),
      )
      .toEqual(expect.arrayContaining(["open", "ready"]));
    expect(
      await page.evaluate(() => (window as unknown as { parleyEvents: string[] }).parleyEvents[0]),
    ).toBe("open");

    // Once loaded, the function form and the methods both work.
    await page.evaluate(() => (window.Parley as unknown as (method: string) => void)("close"));
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    await context.close();
  });

  test("on a phone the chat opens full screen; destroy() removes everything", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 700 } });
    const page = await context.newPage();
    await page.goto(stack.urls.demo);
    await page.getByRole("button", { name: "Open chat" }).click();
    const frame = page.locator('iframe[title="Parley chat"]');
    await frame.waitFor();
    expect(await frame.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 700 });
    // The widget's own close button works (the launcher is hidden under the full-screen chat).
    await page
      .frameLocator('iframe[title="Parley chat"]')
      .getByRole("button", { name: "Close chat" })
      .click();
    await page.getByRole("button", { name: "Open chat" }).waitFor();

    await page.evaluate(() => window.Parley!.destroy());
    expect(await page.locator('iframe[title="Parley chat"]').count()).toBe(0);
    expect(await page.getByRole("button", { name: "Open chat" }).count()).toBe(0);
    await context.close();
  });

  test("on a host outside the allowed domains the widget refuses, saying why", async () => {
    await callAsMember("admin", "mutation", "private/widgetSettings:update", {
      allowedDomains: ["shop.acme-outdoor.test", "*.acme-outdoor.test"],
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(stack.urls.demo);
      await page.getByRole("button", { name: "Open chat" }).click();
      const widget = page.frameLocator('iframe[title="Parley chat"]');
      // (Next's route announcer is a p[role=alert] too.)
      const refusal = widget.locator("p[role=alert]:not(#__next-route-announcer__)");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain(
        `This chat is not enabled on ${new URL(stack.urls.demo).host}.`,
      );
      expect(await widget.getByRole("button", { name: "Start chatting" }).count()).toBe(0);
      // The host page is unaffected: the launcher still closes the chat.
      await page.getByRole("button", { name: "Close chat" }).click();
      await page.getByRole("button", { name: "Add to cart" }).click();
      await context.close();
    } finally {
      await callAsMember("admin", "mutation", "private/widgetSettings:update", {
        allowedDomains: [],
      });
    }
  });

  test("a page that fakes its origin to pass the allow-list is refused by the browser", async () => {
    const demoHost = new URL(stack.urls.demo).host;
    await callAsMember("admin", "mutation", "private/widgetSettings:update", {
      allowedDomains: ["shop.acme-outdoor.test", demoHost],
    });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const widgetDocument = () =>
        page.waitForResponse((response) => {
          const url = new URL(response.url());
          return url.origin === stack.urls.widget && url.pathname === "/";
        });

      // The honest loader on an allowed host: the page is bound to that host, and works.
      await page.goto(stack.urls.demo);
      const honest = widgetDocument();
      await page.getByRole("button", { name: "Open chat" }).click();
      expect((await honest).headers()["content-security-policy"]).toBe(
        `frame-ancestors ${new URL(stack.urls.demo).origin}`,
      );
      const widget = page.frameLocator('iframe[title="Parley chat"]');
      await widget.getByRole("button", { name: "Start chatting" }).waitFor();

      // The same page frames the widget claiming to be the shop: the widget's own check
      // would pass, but the browser compares the claim with the real parent and blocks it.
      const forged = widgetDocument();
      await page.evaluate(
        ({ widgetUrl, organizationId }) => {
          const frame = document.createElement("iframe");
          frame.title = "Forged";
          frame.src = `${widgetUrl}/?organizationId=${organizationId}&hostOrigin=${encodeURIComponent("https://shop.acme-outdoor.test")}`;
          document.body.append(frame);
        },
        { widgetUrl: stack.urls.widget, organizationId: stack.organizationId },
      );
      expect((await forged).headers()["content-security-policy"]).toBe(
        "frame-ancestors https://shop.acme-outdoor.test",
      );
      const blocked = () =>
        page
          .frames()
          .find((frame) => frame.name() === "" && frame.url().startsWith("chrome-error:"));
      await expect.poll(() => blocked() !== undefined).toBe(true);
      expect(await page.frameLocator('iframe[title="Forged"]').getByRole("button").count()).toBe(0);
      await context.close();
    } finally {
      await callAsMember("admin", "mutation", "private/widgetSettings:update", {
        allowedDomains: [],
      });
    }
  });
});
