/**
 * Pure helpers for the inbox: how times, visitors, browsers and canned
 * responses read on screen. Kept free of React so they are unit-tested.
 */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });

/** "just now", "5 min. ago", "yesterday"… for a past `timestamp`, as of `now`. */
export function relativeTime(timestamp: number, now: number): string {
  const seconds = Math.round((now - timestamp) / 1000);
  if (seconds < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
  }
  return relative.format(-Math.max(1, Math.round(seconds / 60)), "minute");
}

/** How long a visitor has waited: "waiting 5 min", "waiting 2 h 10 min", "waiting 3 d". */
export function waitingFor(since: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - since) / 60_000));
  if (minutes < 1) return "waiting <1 min";
  if (minutes < 60) return `waiting ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `waiting ${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
  return `waiting ${Math.floor(hours / 24)} d`;
}

/** The visitor's name, else their email, else "Visitor #<last 5 characters of the id>". */
export function contactLabel(contact: { name?: string; email?: string }, conversationId: string) {
  return contact.name?.trim() || contact.email?.trim() || `Visitor #${conversationId.slice(-5)}`;
}

/** Up to two initials of a name, for avatars. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words.at(-1)![0]] : [...(words[0] ?? "?")];
  return letters.slice(0, 2).join("").toUpperCase();
}

/**
 * A canned response's text with its variables filled: `{{contact.name}}` is
 * the visitor's first name or "there" ("Hi there"), `{{agent.name}}` the
 * signed-in operator's name. Unknown variables are left as they are, so a
 * typo shows in the draft instead of vanishing.
 */
export function fillTemplate(
  body: string,
  values: { contactName?: string | null; agentName?: string | null },
): string {
  const contact = values.contactName?.trim().split(/\s+/)[0] || "there";
  const agent = values.agentName?.trim() || "our team";
  return body.replace(/\{\{\s*(contact\.name|agent\.name)\s*\}\}/g, (_, key: string) =>
    key === "contact.name" ? contact : agent,
  );
}

/** "Chrome 131 on macOS" from a user-agent string, simply (no database of devices). */
export function summarizeUserAgent(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const browsers: [string, RegExp][] = [
    ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
    ["Opera", /OPR\/(\d+)/],
    ["Samsung Internet", /SamsungBrowser\/(\d+)/],
    ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
    ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
    ["Safari", /Version\/(\d+).*Safari/],
  ];
  const systems: [string, RegExp][] = [
    ["Android", /Android/],
    ["iOS", /iPhone|iPad|iPod/],
    ["Windows", /Windows/],
    ["ChromeOS", /CrOS/],
    ["macOS", /Mac OS X|Macintosh/],
    ["Linux", /Linux/],
  ];
  const browser = browsers.find(([, pattern]) => pattern.test(userAgent));
  const system = systems.find(([, pattern]) => pattern.test(userAgent))?.[0];
  const name = browser
    ? `${browser[0]} ${userAgent.match(browser[1])![1]}`
    : /HeadlessChrome/.test(userAgent)
      ? "Headless Chrome"
      : "Unknown browser";
  return system ? `${name} on ${system}` : name;
}
