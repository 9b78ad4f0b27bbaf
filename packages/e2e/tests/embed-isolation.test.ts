/**
 * Journey: the loader pasted on a hostile host page. The page's stylesheet
 * targets bare elements with `!important` (buttons into the flow, every iframe
 * hidden, every div and direct child of the body restyled), and the page sends
 * a strict Content-Security-Policy that allows no inline styles and only the
 * widget's origin in `frame-src`. The launcher must still sit in its corner,
 * open the chat, and close it, with no CSP violation reported.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { usePages } from "./harness";

const stack = inject("stack");
const newPage = usePages();

const HOSTILE_CSS = `
* { box-sizing: content-box !important; transition: none !important; }
body { color: red; font: 40px/3 serif; text-align: right; visibility: visible; }
body > :not(main), parley-chat { display: block !important; position: static !important; width: 10px !important; height: 10px !important; overflow: hidden !important; transform: translateX(-9999px) !important; opacity: 0 !important; visibility: hidden !important; }
div { position: relative !important; display: block !important; z-index: 1 !important; width: 100% !important; }
span { display: none !important; }
button { position: static !important; display: inline !important; width: 300px !important; height: 20px !important; padding: 0 !important; background: red !important; border-radius: 0 !important; }
iframe { display: none !important; position: static !important; width: 0 !important; height: 0 !important; }
svg { display: none !important; }
`;

/** Records every CSP violation the page reports (an allowed, same-origin script). */
const VIOLATIONS_JS = `window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));`;

/**
 * The host page, served from its own loopback origin (a routed fake domain would be a
 * "public" page, which Chromium forbids to load the loader from localhost), with the policy
 * a strict site sends: only its own origin, the loader's and, for frames, the widget's.
 */
function hostilePage(): { csp: string; html: string } {
  const loader = new URL(stack.urls.demo).origin;
  const widget = new URL(stack.urls.widget).origin;
  return {
    csp: `default-src 'self'; script-src 'self' ${loader}; frame-src ${widget}; style-src 'self'`,
    html: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Hostile shop</title>
    <link rel="stylesheet" href="/hostile.css" />
    <script src="/violations.js"></script>
  </head>
  <body>
    <main><div><h1>Hostile shop</h1><button type="button">Buy</button></div></main>
    <script src="${stack.urls.demo}/parley.js" data-organization-id="${stack.organizationId}" data-widget-url="${stack.urls.widget}" async></script>
  </body>
</html>`,
  };
}

let server: Server;
let hostUrl: string;

beforeAll(async () => {
  const { csp, html } = hostilePage();
  server = createServer((request, response) => {
    const [type, body] =
      request.url === "/hostile.css"
        ? ["text/css", HOSTILE_CSS]
        : request.url === "/violations.js"
          ? ["text/javascript", VIOLATIONS_JS]
          : ["text/html", html];
    response.writeHead(200, {
      "Content-Type": `${type}; charset=utf-8`,
      "Content-Security-Policy": csp,
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // 127.0.0.1, not localhost: another origin than the loader's and the widget's.
  hostUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { violations: string[] }).violations);

describe("the loader on a hostile host page", () => {
  test("element selectors with !important and a strict CSP move and hide nothing", async () => {
    const page = await newPage();
    const viewport = page.viewportSize()!;
    await page.goto(hostUrl);

    // The page's own button took the hostile style: the stylesheet is in force.
    expect(
      await page
        .locator("main button")
        .evaluate((button) => getComputedStyle(button).backgroundColor),
    ).toBe("rgb(255, 0, 0)");

    // The launcher: 56 px, 20 px from the bottom-right corner, in its own color, with its icon.
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    expect(await launcher.boundingBox()).toEqual({
      x: viewport.width - 76,
      y: viewport.height - 76,
      width: 56,
      height: 56,
    });
    expect(await launcher.evaluate((button) => getComputedStyle(button).backgroundColor)).not.toBe(
      "rgb(255, 0, 0)",
    );
    expect(await launcher.locator("svg").isVisible()).toBe(true);

    // The chat opens above it, visible, and the widget runs inside.
    await launcher.click();
    const frame = page.locator('iframe[title="Parley chat"]');
    await frame.waitFor();
    const box = (await frame.boundingBox())!;
    expect(box.width).toBe(400);
    expect(box.height).toBe(600);
    expect(box.x + box.width).toBe(viewport.width - 20);
    expect(box.y + box.height).toBe(viewport.height - 88);
    await page
      .frameLocator('iframe[title="Parley chat"]')
      .getByRole("button", { name: "Start chatting" })
      .waitFor();

    // And closes again; the page's own button is still clickable.
    await page.getByRole("button", { name: "Close chat" }).click();
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    expect(await frame.isVisible()).toBe(false);
    await page.locator("main button").click();

    // Nothing the loader did needed an exception to the page's policy.
    expect(await violations(page)).toEqual([]);
  });
});
