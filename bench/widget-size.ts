/**
 * `pnpm --filter @parley/bench widget-size`: what a visitor downloads before
 * the widget's chat screen works: the JavaScript, CSS and fonts of the widget
 * page in a production build, each gzipped (level 9, like embed-size). Goal:
 * at most 130 KB gzipped, with nothing of the voice SDK in it (voice is loaded
 * only when a call starts).
 *
 * What is counted, from Next's manifests (the widget is a Pages Router app
 * built with webpack, see apps/widget/next.config.ts):
 * - every script and stylesheet of the page (`build-manifest.json`, pages
 *   "/_app" and "/", plus the two small route manifests Next loads with them);
 *   the `nomodule` polyfills are left out, modern browsers never fetch them;
 * - the chat screen's Markdown renderer: a chunk of its own, fetched when the
 *   first message renders, so it arrives just after the page; the chat cannot
 *   show an answer without it, so it is counted, on its own line
 *   (`react-loadable-manifest.json` names it);
 * - fonts referenced by that CSS (the widget uses system fonts: none).
 *
 * Self-checks (the script fails rather than print a wrong figure): the chat
 * screen is in the page's scripts, the Markdown chunk is found, and the
 * prerendered page loads no script or stylesheet the figure leaves out. Voice
 * code found in anything counted is reported, and the voice chunks themselves
 * must be found in the build (our voice screen, and the Vapi SDK with Daily),
 * so "none" means the markers were looked for where they are, not that they
 * match nothing. Those chunks are listed with their sizes: what a visitor
 * downloads on opening the voice screen and on pressing "Start call".
 *
 *   pnpm --filter @parley/bench widget-size              build, then measure
 *   pnpm --filter @parley/bench widget-size --no-build   measure the existing build
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const widgetDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "apps",
  "widget",
);
const nextDir = path.join(widgetDir, ".next");
const GOAL_KB = 130;
/** Text that only the chat screen's code contains (the hand-over button). */
const CHAT_MARKER = "Talk to a human";
/** The Markdown renderer's display name (apps/widget/src/modules/chat/markdown.tsx). */
const MARKDOWN_MARKER = "ChatMarkdown";
/** Text that only our voice screen contains (apps/widget/src/modules/voice/call-state.ts). */
const VOICE_SCREEN_MARKER = "All lines are busy right now";
/** Text that only the Vapi web SDK (its REST client's default URL) and Daily contain. */
const VAPI_MARKER = "https://api.vapi.ai";
const DAILY_MARKER = "daily-js";
const VOICE_MARKERS = [VOICE_SCREEN_MARKER, VAPI_MARKER, DAILY_MARKER];

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (!process.argv.includes("--no-build")) {
  console.log("building the widget (its production build script)…");
  execFileSync("pnpm", ["run", "build"], {
    cwd: widgetDir,
    stdio: "ignore",
    // A backend URL, so the build includes the Convex client as it does in production.
    env: {
      ...process.env,
      NEXT_PUBLIC_CONVEX_URL: process.env.NEXT_PUBLIC_CONVEX_URL ?? "https://example.convex.cloud",
    },
  });
}

const readJson = <T>(file: string): T => {
  const full = path.join(nextDir, file);
  if (!existsSync(full))
    fail(`No widget build found (${file} is missing): run without --no-build.`);
  return JSON.parse(readFileSync(full, "utf8")) as T;
};
const buildManifest = readJson<{
  pages: Record<string, string[]>;
  lowPriorityFiles: string[];
}>("build-manifest.json");
const loadableManifest = readJson<Record<string, { files: string[] }>>(
  "react-loadable-manifest.json",
);
if (!buildManifest.pages["/"] || !buildManifest.pages["/_app"]) {
  fail(
    'build-manifest.json has no Pages Router entries for "/" and "/_app": this script ' +
      "measures a Pages Router build; update it if the widget's router changed.",
  );
}

const pageFiles = [...new Set([...buildManifest.pages["/_app"]!, ...buildManifest.pages["/"]!])];
const isFramework = (file: string) => /\/(webpack|framework|main)-[^/]+\.js$/.test(file);
const framework = [
  ...pageFiles.filter((file) => file.endsWith(".js") && isFramework(file)),
  ...buildManifest.lowPriorityFiles.filter((file) => file.endsWith(".js")),
];
const app = pageFiles.filter((file) => file.endsWith(".js") && !isFramework(file));
const css = pageFiles.filter((file) => file.endsWith(".css"));

const markdownEntry = Object.entries(loadableManifest).find(([name]) =>
  /chat\/message-bubble\.tsx -> \.\/markdown$/.test(name),
);
if (!markdownEntry) {
  fail(
    "The chat's Markdown renderer has no chunk of its own in react-loadable-manifest.json: " +
      "if it moved into the page, count it there; the figure would be wrong otherwise.",
  );
}
const markdown = markdownEntry[1].files.filter((file) => !pageFiles.includes(file));

const fonts = [
  ...new Set(
    css.flatMap((file) =>
      [
        ...readFileSync(path.join(nextDir, file), "utf8").matchAll(
          /url\(["']?([^"')]+\.(?:woff2?|ttf|otf))/g,
        ),
      ].map((match) => path.join("static", "media", path.basename(match[1]!))),
    ),
  ),
];

const read = (file: string) => readFileSync(path.join(nextDir, file));
const gz = (file: string) => gzipSync(read(file), { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

// The prerendered page is what the browser gets: everything it loads must be counted.
const htmlFile = path.join("server", "pages", "index.html");
if (!existsSync(path.join(nextDir, htmlFile))) {
  fail(`${htmlFile} is missing: the widget page is expected to be static.`);
}
const html = read(htmlFile).toString("utf8");
const counted = new Set([...framework, ...app, ...css]);
const loaded = [
  ...[...html.matchAll(/<script\b([^>]*)>/g)]
    .map((match) => match[1]!)
    .filter((attributes) => !/\bnoModule\b/i.test(attributes))
    .map((attributes) => /\bsrc="([^"]+)"/.exec(attributes)?.[1]),
  ...[...html.matchAll(/<link\b([^>]*)>/g)]
    .map((match) => match[1]!)
    .filter((attributes) => /\brel="(?:stylesheet|preload|modulepreload)"/.test(attributes))
    .map((attributes) => /\bhref="([^"]+)"/.exec(attributes)?.[1]),
]
  .filter((url): url is string => url !== undefined)
  .map((url) => url.replace(/^\/_next\//, ""));
const missed = loaded.filter((file) => !counted.has(file));
if (missed.length > 0) {
  fail(`The page loads files this script does not count (${missed.join(", ")}): fix it.`);
}

let total = 0;
for (const [label, files] of [
  ["framework (React, Next.js Pages Router runtime)", framework],
  ["widget app (all screens, Convex client)", app],
  ["chat Markdown renderer (its own chunk, loaded with the first message)", markdown],
  ["CSS", css],
  ["fonts", fonts],
] as const) {
  const sizes = files.map((file) => ({ file, size: gz(file) }));
  const sum = sizes.reduce((acc, { size }) => acc + size, 0);
  total += sum;
  console.log(`${label}: ${kb(sum)} gzipped in ${files.length} file(s)`);
  for (const { file, size } of sizes.sort((a, b) => b.size - a.size)) {
    console.log(`  ${kb(size).padStart(9)}  ${file}`);
  }
}
console.log(
  `(not counted: the HTML page itself, ${kb(gzipSync(html, { level: 9 }).length)} gzipped)`,
);

const code = (files: readonly string[]) => files.map((file) => read(file).toString("utf8"));
if (!code([...framework, ...app]).some((text) => text.includes(CHAT_MARKER))) {
  fail(`The chat screen ("${CHAT_MARKER}") is not in the page's scripts: the figure is wrong.`);
}
if (!code(markdown).some((text) => text.includes(MARKDOWN_MARKER))) {
  fail(`The Markdown chunk does not contain the renderer ("${MARKDOWN_MARKER}"): fix the script.`);
}
const everything = code([...framework, ...app, ...markdown]);
const voice = VOICE_MARKERS.filter((marker) => everything.some((text) => text.includes(marker)));

console.log(
  `widget chat screen, first load: ${kb(total)} gzipped (JS + CSS + fonts; goal ≤ ${GOAL_KB} KB)`,
);
console.log(
  voice.length === 0
    ? "voice code in the first load: 0 B (none of its markers in any file counted)"
    : `voice code in the first load: FOUND (${voice.join(", ")})`,
);

// Where the voice code is instead: chunks fetched only on demand.
const chunkDir = path.join("static", "chunks");
const allChunks = readdirSync(path.join(nextDir, chunkDir), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith(".js"))
  .map((file) => path.join(chunkDir, file));
const chunksWith = (marker: string) =>
  allChunks.filter((file) => read(file).toString("utf8").includes(marker));
const onDemand: [string, string[]][] = [
  ["voice screen (opening it)", chunksWith(VOICE_SCREEN_MARKER)],
  [
    "Vapi web SDK + Daily (pressing Start call)",
    [...new Set([...chunksWith(VAPI_MARKER), ...chunksWith(DAILY_MARKER)])],
  ],
];
for (const [label, files] of onDemand) {
  if (files.length === 0) {
    fail(`No chunk of the build holds the ${label}: the voice markers are stale, fix them.`);
  }
  const inFirstLoad = files.filter((file) => counted.has(file) || markdown.includes(file));
  if (inFirstLoad.length > 0) fail(`The ${label} is in the first load: ${inFirstLoad.join(", ")}`);
  const sum = files.reduce((acc, file) => acc + gz(file), 0);
  console.log(`on demand, ${label}: ${kb(sum)} gzipped in ${files.length} file(s)`);
  for (const file of files) console.log(`  ${kb(gz(file)).padStart(9)}  ${file}`);
}
if (voice.length > 0) process.exitCode = 1;
