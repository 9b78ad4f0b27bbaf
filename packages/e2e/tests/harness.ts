/** Debian's Chromium, driven by playwright-core, for one test file. */
import { existsSync } from "node:fs";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";

export const CHROMIUM = process.env.PARLEY_CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * A fake microphone that the page may use without asking: Chromium's fake
 * capture device plays a beep tone, and its fake UI grants the permission.
 */
export const FAKE_MICROPHONE = [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
];

export async function launchBrowser(extraArgs: string[] = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get update && apt-get install -y chromium\` (npm test does this when it can).`,
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      // Without these Chromium floods the closed network with requests of its own.
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

/**
 * One browser for the calling test file: launched before its tests, closed
 * after. Returns a getter, since the browser exists only once `beforeAll` ran.
 */
export function useBrowser(extraArgs: string[] = []): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(extraArgs);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is not started yet (use it inside a test)");
    return browser;
  };
}

/**
 * Fresh pages for the calling test file, each in its own browser context
 * (its own storage: another person), closed after each test. `extraArgs`
 * are added to Chromium's command line (e.g. `FAKE_MICROPHONE`).
 */
export function usePages(extraArgs: string[] = []): () => Promise<Page> {
  const browser = useBrowser(extraArgs);
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  return async () => {
    const context = await browser().newContext();
    contexts.push(context);
    return await context.newPage();
  };
}
