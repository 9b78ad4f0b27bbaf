/**
 * The whole product on one machine with no accounts: the local backend
 * (Convex-compatible), the dashboard with local sign-in, the widget, and a
 * demo host page with the embed, plus a seeded demo organization.
 *
 * `npm run dev` runs it with the usual ports; the browser tests run it on
 * free ports with a throwaway data directory.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

import { startDemoServer } from "./demoServer";
import { startProcess, stopProcess, waitForHttp, type Child, type Logger } from "./processes";
import { seedDemo, type DemoOrganization } from "./seed";

/** `site` serves the backend's HTTP actions (Convex's *.convex.site URL). */
export type StackPorts = {
  backend: number;
  site: number;
  web: number;
  widget: number;
  demo: number;
};

export type StackOptions = {
  rootDir: string;
  /** Local state: backend data, the local identity provider's key and directory, demo.json. */
  dataDir: string;
  ports: StackPorts;
  log: Logger;
  /** Rebuild the embed on change (development). */
  watch?: boolean;
  /**
   * Serve the widget from a production build (`next build --webpack` + `next start`, what
   * visitors get) instead of `next dev`. The browser tests use it; the build goes to
   * `apps/widget/.next-e2e`, since it bakes in this stack's URLs.
   */
  productionWidget?: boolean;
  /**
   * Extra deployment variables for the local backend, e.g. `VAPI_API_URL`
   * pointing at a loopback Vapi server in browser tests.
   */
  backendEnv?: Record<string, string>;
};

export type Stack = {
  urls: { backend: string; site: string; web: string; widget: string; demo: string };
  demo: DemoOrganization;
  stop: () => Promise<void>;
};

/** A free TCP port on loopback (for tests; a port can be taken between this call and its use). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null)
    throw new Error("could not find a free port");
  return address.port;
}

/**
 * The key that encrypts plugin secrets (`PARLEY_SECRETS_KEY`, 32 bytes base64)
 * for a local stack: the environment's if set, else one generated once and
 * kept in the data directory, so secrets stored by an earlier run still decrypt.
 */
async function localSecretsKey(dataDir: string): Promise<string> {
  const fromEnv = process.env.PARLEY_SECRETS_KEY?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "secrets.key");
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored) return stored;
  } catch {
    // First run: generate below.
  }
  const key = randomBytes(32).toString("base64");
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { rootDir, dataDir, ports, log } = options;
  await mkdir(dataDir, { recursive: true });
  const urls = {
    backend: `http://127.0.0.1:${ports.backend}`,
    site: `http://127.0.0.1:${ports.site}`,
    web: `http://localhost:${ports.web}`,
    widget: `http://localhost:${ports.widget}`,
    demo: `http://localhost:${ports.demo}`,
  };
  const issuer = `${urls.web}/api/local-auth`;
  // The local stack's own Clerk webhook secret: the backend verifies with it, and the
  // dashboard's Billing page signs simulated Clerk billing events with it (local mode only).
  const clerkWebhookSecret = `whsec_${randomBytes(32).toString("base64")}`;
  const baseEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", FORCE_COLOR: "0" };
  const children: Child[] = [];
  let demoServer: Awaited<ReturnType<typeof startDemoServer>> | undefined;
  let demo: DemoOrganization | undefined;

  const stop = async () => {
    await demoServer?.close();
    await Promise.all(children.map((child) => stopProcess(child)));
  };

  try {
    // Regenerate convex/_generated (offline), so functions added since the last run are typed.
    await promisify(execFile)(process.execPath, ["scripts/codegen.mjs"], {
      cwd: path.join(rootDir, "packages", "backend"),
      env: baseEnv,
    });
    const embedDir = path.join(rootDir, "apps", "embed");
    const embedEnv = { ...baseEnv, PARLEY_WIDGET_URL: urls.widget };
    await promisify(execFile)(process.execPath, ["build.mjs"], { cwd: embedDir, env: embedEnv });
    if (options.watch) {
      children.push(
        startProcess("embed", process.execPath, ["build.mjs", "--watch"], {
          cwd: embedDir,
          env: embedEnv,
          log,
        }),
      );
    }

    const backend = startProcess(
      "backend",
      path.join(rootDir, "packages", "local-backend", "node_modules", ".bin", "tsx"),
      ["src/cli.ts"],
      {
        cwd: path.join(rootDir, "packages", "local-backend"),
        env: {
          ...baseEnv,
          PARLEY_LOCAL_BACKEND_PORT: String(ports.backend),
          PARLEY_LOCAL_BACKEND_SITE_PORT: String(ports.site),
          PARLEY_LOCAL_BACKEND_DATA_DIR: path.join(dataDir, "local-backend"),
          PARLEY_LOCAL_AUTH_ISSUER: issuer,
          PARLEY_LOCAL_AUTH_JWKS_URL: `${issuer}/jwks`,
          CLERK_WEBHOOK_SIGNING_SECRET: clerkWebhookSecret,
          PARLEY_SECRETS_KEY: await localSecretsKey(dataDir),
          // What Convex sets on a real deployment: where its HTTP actions are served
          // (a managed Vapi assistant is pointed at them).
          CONVEX_SITE_URL: urls.site,
          ...options.backendEnv,
        },
        log,
      },
    );
    children.push(backend);

    const appEnv = {
      ...baseEnv,
      NEXT_PUBLIC_CONVEX_URL: urls.backend,
      NEXT_PUBLIC_CONVEX_SITE_URL: urls.site,
    };
    /** Build the widget for production with this stack's URLs, then serve that build. */
    const productionWidget = async () => {
      const widgetDir = path.join(rootDir, "apps", "widget");
      const nextBin = path.join(widgetDir, "node_modules", ".bin", "next");
      const env = { ...appEnv, PARLEY_WIDGET_DIST_DIR: ".next-e2e" };
      const build = startProcess("widget build", nextBin, ["build", "--webpack"], {
        cwd: widgetDir,
        env,
        log,
      });
      children.push(build);
      const code = await build.exited;
      if (code !== 0) throw new Error(`the widget's production build failed (exit ${code}).`);
      return startProcess("widget", nextBin, ["start", "--port", String(ports.widget)], {
        cwd: widgetDir,
        env,
        log,
      });
    };
    const next = (name: "web" | "widget", port: number, env: Record<string, string>) =>
      startProcess(
        name,
        path.join(rootDir, "apps", name, "node_modules", ".bin", "next"),
        ["dev", "--port", String(port)],
        {
          cwd: path.join(rootDir, "apps", name),
          env: { ...appEnv, ...env },
          log,
        },
      );
    const web = next("web", ports.web, {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOCAL_AUTH_ISSUER: issuer,
      PARLEY_LOCAL_AUTH: "on",
      PARLEY_LOCAL_CLERK_WEBHOOK_SECRET: clerkWebhookSecret,
      // The snippet in the widget settings points at the demo server's copy of the loader.
      NEXT_PUBLIC_PARLEY_EMBED_URL: `${urls.demo}/parley.js`,
    });
    children.push(web);
    const widget = options.productionWidget
      ? await productionWidget()
      : next("widget", ports.widget, {});
    children.push(widget);

    demoServer = await startDemoServer({
      rootDir,
      port: ports.demo,
      widgetUrl: urls.widget,
      organizationId: () => demo?.organizationId,
    });

    await waitForHttp(`${urls.backend}/`, "the local backend", 60_000, backend);
    // The first request also makes Next compile the route.
    await waitForHttp(`${urls.web}/api/local-auth/jwks`, "the dashboard", 120_000, web);
    demo = await seedDemo({ webUrl: urls.web, convexUrl: urls.backend, dataDir, log });
    await waitForHttp(`${urls.widget}/`, "the widget", 120_000, widget);
    // Next compiles each page on its first request; do it now rather than on someone's first click.
    await Promise.all(
      [
        `${urls.web}/`,
        `${urls.web}/sign-in`,
        `${urls.web}/knowledge-base`,
        `${urls.web}/widget`,
        `${urls.web}/conversations`,
        `${urls.web}/members`,
        `${urls.web}/billing`,
        // Compiles the Billing page's simulate route (a GET is refused with 405, after compiling).
        `${urls.web}/api/local-billing`,
        `${urls.widget}/?organizationId=${demo.organizationId}`,
      ].map((url) => fetch(url).then((response) => response.arrayBuffer())),
    );
    return { urls, demo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
