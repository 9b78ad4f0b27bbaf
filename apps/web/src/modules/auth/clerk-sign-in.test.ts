/**
 * Signing in with Clerk, offline: the dashboard's production build in Clerk mode
 * verifies a Clerk session token with CLERK_JWT_KEY alone and renders the
 * signed-in dashboard on the server; without a valid session it sends the
 * visitor to /sign-in. Nothing may reach Clerk.
 *
 * How it stays offline:
 * - the publishable key names a Clerk Frontend API on loopback, and
 *   CLERK_API_URL points Clerk's Backend API at the same address: a TCP server
 *   there records every connection, and the test requires none;
 * - the server runs with a preload that records every outgoing fetch
 *   (undici's `beforeConnect`), so a request to any other host fails the test too;
 * - the requests carry what a browser signed in to a Clerk development instance
 *   carries: `__session` (a session token v2 signed with our key), `__client_uat`
 *   (Clerk's "client last updated" time, which must not be newer than the token)
 *   and `__clerk_db_jwt` (the dev-browser id; without it a pk_test navigation is
 *   sent to Clerk's handshake).
 *
 * Out of reach offline: clerk-js (Clerk's sign-in UI and the browser side of the
 * session, which would fetch the `convex` token) loads from Clerk's servers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const appDir = fileURLToPath(new URL("../../..", import.meta.url));
const nextBin = path.join(appDir, "node_modules", ".bin", "next");
const DIST_DIR = ".next-clerk";
// `next build` points next-env.d.ts at its distDir's route types; put it back afterwards.
const nextEnvFile = path.join(appDir, "next-env.d.ts");
let nextEnv: string | undefined;

/** Records every TCP connection it receives and closes it: stands in for Clerk's servers. */
async function startRecorder() {
  const connections: string[] = [];
  const server: Server = createServer((socket) => {
    connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { port, connections, close: () => new Promise((r) => server.close(r)) };
}

async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Run a command to completion, keeping its output for the error message. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} ${args.join(" ")} failed:\n${output}`)),
    );
  });
}

// The frontend API host is only known once the recorder listens, and the
// publishable key (baked into the build) must name it.
let recorder: Awaited<ReturnType<typeof startRecorder>>;
let server: ChildProcess | undefined;
let serverOutput = "";
let baseUrl: string;
let frontendApi: string;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let workDir: string;
let fetchLog: string;

const USER_ID = "user_2parleyTestAdmin";
const SESSION_ID = "sess_2parleyTestSession";
const ORG_ID = "org_2parleyTestAcme";

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "parley-clerk-"));
  fetchLog = path.join(workDir, "outgoing.log");
  const observer = path.join(workDir, "observe-outgoing.cjs");
  writeFileSync(
    observer,
    `const { appendFileSync } = require("node:fs");
require("node:diagnostics_channel").subscribe("undici:client:beforeConnect", ({ connectParams }) =>
  appendFileSync(${JSON.stringify(fetchLog)}, connectParams.protocol + "//" + connectParams.host + "\\n"),
);
`,
  );
  writeFileSync(fetchLog, "");

  recorder = await startRecorder();
  frontendApi = `127.0.0.1:${recorder.port}`;
  const keys = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  signingKey = keys.privateKey;
  otherKey = (await generateKeyPair("RS256", { modulusLength: 2048 })).privateKey;

  const port = await freePort();
  baseUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    // eslint-disable-next-line no-restricted-properties -- the child processes' environment, not app config
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PARLEY_WEB_DIST_DIR: DIST_DIR,
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from(`${frontendApi}$`).toString("base64")}`,
    CLERK_SECRET_KEY: `sk_test_${randomBytes(24).toString("hex")}`,
    CLERK_JWT_KEY: await exportSPKI(keys.publicKey),
    CLERK_API_URL: `http://${frontendApi}`,
    // The dashboard's data views need a backend URL; the browser would use it, the server never.
    NEXT_PUBLIC_CONVEX_URL: `http://${frontendApi}`,
  };
  if (existsSync(nextEnvFile)) nextEnv = readFileSync(nextEnvFile, "utf8");
  await run(nextBin, ["build"], env);

  server = spawn(nextBin, ["start", "--port", String(port)], {
    cwd: appDir,
    env: { ...env, NODE_OPTIONS: `--require ${observer}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (serverOutput += chunk.toString()));
  for (let ready = false; !ready;) {
    if (server.exitCode !== null) throw new Error(`next start exited:\n${serverOutput}`);
    ready = /Ready in/.test(serverOutput);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 240_000);

afterAll(async () => {
  server?.kill();
  await recorder?.close();
  rmSync(path.join(appDir, DIST_DIR), { recursive: true, force: true });
  if (nextEnv === undefined) rmSync(nextEnvFile, { force: true });
  else writeFileSync(nextEnvFile, nextEnv);
  rmSync(workDir, { recursive: true, force: true });
});

/** A Clerk session token, version 2, as Clerk's Frontend API issues it for an active organization. */
async function sessionToken(key: CryptoKey, { expiresIn = 60 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    azp: baseUrl,
    fva: [0, -1],
    sid: SESSION_ID,
    sts: "active",
    v: 2,
    o: { id: ORG_ID, rol: "admin", slg: "acme" },
  })
    .setProtectedHeader({ alg: "RS256", kid: "ins_2parleyTestInstance", typ: "JWT" })
    .setIssuer(`https://${frontendApi}`)
    .setSubject(USER_ID)
    .setIssuedAt(now)
    .setNotBefore(now - 10)
    .setExpirationTime(now + expiresIn)
    .sign(key);
}

/** A top-level browser navigation, carrying the cookies a Clerk development instance sets. */
function visit(pathname: string, cookies: Record<string, string>) {
  return fetch(`${baseUrl}${pathname}`, {
    redirect: "manual",
    headers: {
      accept: "text/html,application/xhtml+xml",
      "sec-fetch-dest": "document",
      "sec-fetch-mode": "navigate",
      ...(Object.keys(cookies).length > 0 && {
        cookie: Object.entries(cookies)
          .map(([name, value]) => `${name}=${value}`)
          .join("; "),
      }),
    },
  });
}

const devBrowser = { __clerk_db_jwt: "dvb_2parleyTestDevBrowser" };
const signedIn = async (key: CryptoKey) => ({
  ...devBrowser,
  __session: await sessionToken(key),
  // Clerk's "client last updated at": a session token issued before it would be stale.
  __client_uat: String(Math.floor(Date.now() / 1000) - 60),
});

describe("signing in with Clerk, offline (production build, CLERK_JWT_KEY)", () => {
  test.each(["/", "/knowledge-base", "/widget"])(
    "a member with a valid session sees the dashboard at %s",
    async (pathname) => {
      const response = await visit(pathname, await signedIn(signingKey));
      const html = await response.text();

      expect(response.status, serverOutput).toBe(200);
      // The app shell, server-rendered: its header, and the loading state the sections show
      // until Convex confirms the member (the browser's part, with clerk-js).
      expect(html).toMatch(/<header[^>]*>.*<a [^>]*href="\/">Parley<\/a>/);
      expect(html).toContain('<span class="sr-only">Loading…</span>');
      // Not the sign-in page (its <main> wraps Clerk's form).
      expect(html).not.toContain('<main class="flex min-h-dvh items-start');
      // The render started from the verified session: Clerk's initial state names the member,
      // the session and the active organization, with the role read from the v2 `o` claim.
      expect(html).toContain(USER_ID);
      expect(html).toContain(SESSION_ID);
      expect(html).toContain(ORG_ID);
      expect(html).toContain("org:admin");
    },
  );

  test("a first visit with no cookies is sent to Clerk's handshake, not shown the dashboard", async () => {
    // A development instance first syncs the browser with Clerk (it sets __clerk_db_jwt):
    // a redirect to the Frontend API, which the server itself never calls.
    const response = await visit("/", {});
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.host).toBe(frontendApi);
    expect(location.pathname).toBe("/v1/client/handshake");
    expect(await response.text()).not.toContain("Parley</a>");
  });

  test("a visit without a session is sent to sign-in", async () => {
    const response = await visit("/", devBrowser);
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "", baseUrl);
    expect(location.origin + location.pathname).toBe(`${baseUrl}/sign-in`);
    expect(response.headers.get("x-clerk-auth-status")).toBe("signed-out");
  });

  test("a session token signed by another key is not accepted", async () => {
    const response = await visit("/widget", await signedIn(otherKey));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "", baseUrl);
    expect(location.origin + location.pathname).toBe(`${baseUrl}/sign-in`);
    expect(response.headers.get("x-clerk-auth-reason")).toMatch(/signature/i);
    expect(await response.text()).not.toContain(USER_ID);
  });

  test("the sign-in page renders (Clerk's form itself is drawn by clerk-js in the browser)", async () => {
    const response = await visit("/sign-in", devBrowser);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<main class="flex min-h-dvh items-start');
  });

  test("nothing reached Clerk or any other host", () => {
    expect(recorder.connections).toEqual([]);
    expect(readFileSync(fetchLog, "utf8")).toBe("");
  });
});
