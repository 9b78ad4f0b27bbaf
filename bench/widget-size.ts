/**
 * `pnpm --filter @parley/bench widget-size`: what a visitor downloads before
 * the widget's chat screen can render: the JavaScript, CSS and fonts of the
 * widget page in a production build, each gzipped (level 9, like
 * embed-size). Goal: at most 130 KB gzipped, with nothing of the voice SDK in
 * it (voice is loaded only when a call starts).
 *
 * Every screen of the widget (pre-chat, home, list, chat) ships in the page's
 * entry chunks; only voice is split off. The script checks that: it fails if
 * the chat screen is not found in the first load (the figure would then be
 * wrong) and reports any voice code that leaked in.
 *
 *   pnpm --filter @parley/bench widget-size              build, then measure
 *   pnpm --filter @parley/bench widget-size --no-build   measure the existing build
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
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
/** Text that only voice code contains: our voice screen and the Vapi/Daily SDKs. */
const VOICE_MARKERS = ["Voice calls are coming soon", "@vapi-ai", "daily-js", "api.vapi.ai"];

if (!process.argv.includes("--no-build")) {
  console.log("building the widget (next build)…");
  execFileSync("pnpm", ["exec", "next", "build"], {
    cwd: widgetDir,
    stdio: "ignore",
    // A backend URL, so the build includes the Convex client as it does in production.
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_PUBLIC_CONVEX_URL: process.env.NEXT_PUBLIC_CONVEX_URL ?? "https://example.convex.cloud",
    },
  });
}
if (!existsSync(path.join(nextDir, "build-manifest.json"))) {
  console.error("No widget build found: run without --no-build.");
  process.exit(1);
}

type Manifest = {
  entryJSFiles: Record<string, string[]>;
  entryCSSFiles: Record<string, { path: string; inlined: boolean }[]>;
};
const buildManifest = JSON.parse(
  readFileSync(path.join(nextDir, "build-manifest.json"), "utf8"),
) as { rootMainFiles: string[] };
const context: Record<string, unknown> = {};
context.globalThis = context;
runInNewContext(
  readFileSync(path.join(nextDir, "server", "app", "page_client-reference-manifest.js"), "utf8"),
  context,
);
const manifest = (context.__RSC_MANIFEST as Record<string, Manifest>)["/page"]!;
const entry = (suffix: string) =>
  Object.entries(manifest.entryJSFiles).find(([name]) => name.endsWith(suffix))?.[1] ?? [];

/** The files the browser loads for the page, by kind (the nomodule polyfills are skipped: modern browsers never fetch them). */
const framework = buildManifest.rootMainFiles;
const app = [...new Set([...entry("/src/app/layout"), ...entry("/src/app/page")])].filter(
  (file) => !framework.includes(file),
);
const css = [
  ...new Set(
    Object.entries(manifest.entryCSSFiles)
      .filter(([name]) => name.endsWith("/src/app/layout") || name.endsWith("/src/app/page"))
      .flatMap(([, files]) => files.filter((file) => !file.inlined).map((file) => file.path)),
  ),
];
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

let total = 0;
for (const [label, files] of [
  ["framework (Next.js + React runtime)", framework],
  ["widget app (all screens, Convex client, markdown)", app],
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

const firstLoad = [...framework, ...app].map((file) => read(file).toString("utf8"));
if (!firstLoad.some((code) => code.includes(CHAT_MARKER))) {
  console.error(
    `The chat screen ("${CHAT_MARKER}") is not in the first load: the figure is wrong.`,
  );
  process.exit(1);
}
const voice = VOICE_MARKERS.filter((marker) => firstLoad.some((code) => code.includes(marker)));

console.log(
  `widget chat screen, first load: ${kb(total)} gzipped (JS + CSS + fonts; goal ≤ ${GOAL_KB} KB)`,
);
console.log(
  voice.length === 0
    ? "voice code in the first load: none"
    : `voice code in the first load: FOUND (${voice.join(", ")})`,
);
