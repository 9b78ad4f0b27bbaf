/**
 * Journey: a visitor talks to the agent with the browser's own speech (no
 * Vapi keys). Chromium here cannot recognise speech (no network service), so
 * the test page provides the browser service, as a microphone driver would:
 * a scripted `SpeechRecognition` that "hears" what the test says, and an
 * observed `speechSynthesis.speak`. The microphone is Chromium's fake capture
 * device (a beep tone), which the level meter reads through Web Audio. Parley's
 * own code runs unchanged.
 */
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";

import { callAsMember, simulatePlan } from "./dashboard";
import { FAKE_MICROPHONE, usePages } from "./harness";

const stack = inject("stack");
const QUESTION = "How long does international delivery take?";
const newPage = usePages(FAKE_MICROPHONE);

/** The browser speech services the page provides (an init script: it runs in the widget's frame too). */
function provideSpeech(options: { recognitionError?: string; noRecognition?: boolean }) {
  const scope = window as unknown as Record<string, unknown>;
  if (options.noRecognition) {
    // A browser without speech recognition (e.g. Firefox).
    scope.SpeechRecognition = undefined;
    scope.webkitSpeechRecognition = undefined;
    return;
  }
  scope.__spoken = [] as string[];
  speechSynthesis.speak = (utterance: SpeechSynthesisUtterance) => {
    (scope.__spoken as string[]).push(utterance.text);
    setTimeout(() => {
      utterance.onend?.(new Event("end") as SpeechSynthesisEvent);
    }, 20);
  };
  class ScriptedRecognition {
    lang = "";
    continuous = false;
    interimResults = false;
    onresult: ((event: unknown) => void) | null = null;
    onerror: ((event: { error: string }) => void) | null = null;
    onend: (() => void) | null = null;
    start() {
      scope.__recognizer = this;
      if (options.recognitionError) {
        setTimeout(() => this.onerror?.({ error: options.recognitionError! }), 50);
      }
    }
    stop() {
      setTimeout(() => this.onend?.(), 0);
    }
    abort() {}
  }
  scope.SpeechRecognition = ScriptedRecognition;
  scope.webkitSpeechRecognition = ScriptedRecognition;
  /** What the visitor "says": one final result. */
  scope.__say = (text: string) => {
    const recognizer = scope.__recognizer as ScriptedRecognition;
    recognizer.onresult?.({
      resultIndex: 0,
      results: [Object.assign([{ transcript: text, confidence: 0.92 }], { isFinal: true })],
    });
  };
}

async function openVoice(
  page: Page,
  options: { recognitionError?: string; noRecognition?: boolean },
) {
  await page.context().addInitScript(provideSpeech, options);
  await page.goto(stack.urls.demo);
  await page.getByRole("button", { name: "Open chat" }).click();
  const widget = page.frameLocator('iframe[title="Parley chat"]');
  await widget.getByLabel("Name").fill("Violet Voice");
  await widget.getByLabel("Email").fill("violet@visitor.test");
  await widget.getByRole("button", { name: "Start chatting" }).click();
  await widget.getByRole("button", { name: "Start a voice call" }).click();
  const frame = page.frames().find((f) => f.url().startsWith(stack.urls.widget));
  expect(frame).toBeDefined();
  return { widget, frame: frame! };
}

const spoken = (frame: Frame) =>
  frame.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);

// Voice is a Pro feature: the demo organization upgrades (a signed Clerk event) and switches it on.
beforeAll(async () => {
  await simulatePlan("pro");
  // The plan change is applied by the webhook's mutation; switching voice on follows it.
  for (let attempt = 1; ; attempt++) {
    try {
      await callAsMember("admin", "mutation", "private/widgetSettings:update", {
        voiceEnabled: true,
      });
      return;
    } catch (error) {
      if (attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
});
afterAll(async () => {
  await callAsMember("admin", "mutation", "private/widgetSettings:update", { voiceEnabled: false });
  await simulatePlan("free");
});

describe("a visitor talks to the agent with the browser's speech", () => {
  test("the question is heard, answered from the help center and spoken; the call is a voice conversation in the inbox", async () => {
    const page = await newPage();
    const { widget, frame } = await openVoice(page, {});
    await widget.getByText(/your browser will ask to use the microphone/).waitFor();
    await widget.getByRole("button", { name: "Start call" }).click();
    await widget.locator('[data-testid="call-state"][data-state="listening"]').waitFor();

    // The greeting is spoken first.
    await expect.poll(() => spoken(frame)).toContainEqual(expect.stringContaining("Ava"));

    await frame.evaluate((question) => {
      (window as unknown as { __say: (text: string) => void }).__say(question);
    }, QUESTION);
    const transcript = widget.getByTestId("call-transcript");
    await transcript.locator('[data-role="visitor"]', { hasText: QUESTION }).waitFor();
    const answer = transcript.locator('[data-role="ai"]').last();
    await answer.getByTestId("message-sources").waitFor({ timeout: 30_000 });
    expect(await answer.innerText()).toMatch(/international/i);
    // What the agent wrote is what the visitor heard, spoken after the greeting.
    await expect
      .poll(async () => (await spoken(frame)).slice(1).join(" "))
      .toMatch(/international/i);

    await widget.getByRole("button", { name: "End call" }).click();
    // After the call, the visitor lands on its transcript.
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
    await widget.locator('[data-role="visitor"]', { hasText: QUESTION }).waitFor();
    // In the visitor's conversation list, the call is marked as one.
    await widget.getByRole("button", { name: "Back", exact: true }).click();
    await widget.getByRole("button", { name: "Your conversations", exact: true }).click();
    await widget
      .getByRole("list", { name: "Your conversations" })
      .getByRole("listitem")
      .first()
      .getByText(/^Voice call ·/)
      .waitFor();

    const inbox = (await callAsMember("operator", "query", "private/conversations:list", {
      paginationOpts: { numItems: 10, cursor: null },
      channel: "voice",
    })) as { page: { channel: string; contact: { name?: string } }[] };
    expect(inbox.page[0]).toMatchObject({ channel: "voice", contact: { name: "Violet Voice" } });
  });

  test("the level meter follows the microphone while listening", async () => {
    const page = await newPage();
    const { widget } = await openVoice(page, {});
    await widget.getByRole("button", { name: "Start call", exact: true }).click();
    await widget.locator('[data-testid="call-state"][data-state="listening"]').waitFor();
    const meter = widget.getByRole("meter", { name: "Your microphone" });
    // Chromium's fake microphone beeps: the meter rises above silence with it.
    await expect
      .poll(async () => Number(await meter.getAttribute("aria-valuenow")))
      .toBeGreaterThan(0);
    // Muted, the microphone is not listened to and the meter goes away.
    await widget.getByRole("button", { name: "Mute", exact: true }).click();
    await widget.locator('[data-testid="call-state"][data-state="muted"]').waitFor();
    expect(await meter.count()).toBe(0);
    await widget.getByRole("button", { name: "Unmute", exact: true }).click();
    await expect
      .poll(async () => Number(await meter.getAttribute("aria-valuenow")))
      .toBeGreaterThan(0);
  });

  test("a browser without speech recognition says so and offers the chat", async () => {
    const page = await newPage();
    const { widget } = await openVoice(page, { noRecognition: true });
    await widget.getByText("Voice isn't available in this browser").waitFor();
    expect(await widget.getByRole("button", { name: "Start call", exact: true }).count()).toBe(0);
    await widget.getByRole("button", { name: "Chat instead", exact: true }).click();
    await widget.getByRole("button", { name: "Start a new chat", exact: true }).waitFor();
  });

  test("a denied microphone says so and offers the chat", async () => {
    const page = await newPage();
    const { widget } = await openVoice(page, { recognitionError: "not-allowed" });
    await widget.getByRole("button", { name: "Start call" }).click();
    await widget.getByText(/Microphone access was denied/).waitFor();
    await widget.getByRole("button", { name: "Continue in chat" }).click();
    await widget.getByRole("textbox", { name: "Message" }).waitFor();
  });
});
