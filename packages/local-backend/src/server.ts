/**
 * The local backend: the deployment URL (one HTTP server, like
 * `*.convex.cloud`: WebSocket upgrades on `/api/<client version>/sync` become
 * sync sessions, every other request goes to the HTTP API and file storage)
 * and the site URL (a second server, like `*.convex.site`: the app's HTTP
 * actions). All of it shares one engine (one in-memory database), one
 * authenticator built from the app's `auth.config.ts`, and one set of
 * environment variables.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import type { Duplex } from "node:stream";

import { WebSocketServer } from "ws";

import { Authenticator } from "./auth.js";
import { DeploymentEnv } from "./deploymentEnv.js";
import { Engine } from "./engine.js";
import type { FunctionLogSink } from "./logs.js";
import { createHttpHandler } from "./http.js";
import { createSiteHandler } from "./site.js";
import { FileStorage } from "./storage.js";
import { MutationLog, SyncSession } from "./sync.js";
import { installSyscallBridge, runInDeployment } from "./syscalls.js";

export type LocalBackendOptions = {
  /** The Convex functions directory to load. Default: `@parley/backend`'s `convex/`. */
  convexDir?: string;
  /** Default 3210 (what `convex dev` uses locally). 0 picks a free port. */
  port?: number;
  /** The site URL's port, for HTTP actions. Default 3211 (as `convex dev`), or a free one when `port` is 0. */
  sitePort?: number;
  /**
   * A JSON file of the deployment's environment variables, kept up to date by
   * `npx convex env set`. Default: `env.json` in `dataDir`; none in memory.
   */
  envFile?: string | undefined;
  /** Default 127.0.0.1: the local backend trusts its machine, so it never listens beyond it unless told to. */
  host?: string;
  /** Lets developer tools authenticate as admin (internal functions, impersonation). Off when absent. */
  adminKey?: string | undefined;
  /** Enforce Convex's per-transaction read/write limits. Default true. */
  enforceLimits?: boolean;
  /** See EngineOptions.pollIntervalMs. */
  pollIntervalMs?: number;
  /** Keep the database in this directory across restarts (see the README). Absent: in memory. */
  dataDir?: string | undefined;
  /** Reload the functions when a file in `convexDir` changes. Default false. */
  watch?: boolean;
  /** Where functions' `console.*` lines go. Default: printed as `[path] level: message`. */
  onFunctionLog?: FunctionLogSink;
  /** Where runtime problems are reported. Default: console.error. */
  log?: (message: string, error?: unknown) => void;
  /** For OIDC discovery. Default: the global fetch. */
  fetch?: typeof fetch;
};

export type LocalBackend = {
  /** The deployment URL to give Convex clients, e.g. `http://127.0.0.1:3210`. */
  url: string;
  /** Where HTTP actions are served (`NEXT_PUBLIC_CONVEX_SITE_URL`), e.g. `http://127.0.0.1:3211`. */
  siteUrl: string;
  port: number;
  sitePort: number;
  engine: Engine;
  /** Close every connection and stop; the in-memory data is gone. */
  close: () => Promise<void>;
};

/** `packages/backend/convex`, found through the workspace dependency rather than a relative path. */
export function defaultConvexDir(): string {
  const api = createRequire(import.meta.url).resolve("@parley/backend/api");
  return path.dirname(path.dirname(api));
}

const SYNC_PATH = /^\/api\/[^/]+\/sync$/;

type Log = (message: string, error?: unknown) => void;

async function listen(server: Server, port: number, host: string, what: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Port ${port} (${what}) is already in use.`, { cause: error })
          : error,
      );
    server.once("error", failed);
    server.listen(port, host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostname = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${hostname}:${address.port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve, reject) =>
    server.close((error) => (error && server.listening ? reject(error) : resolve())),
  );
}

export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const log: Log =
    options.log ??
    ((message: string, error?: unknown) =>
      error === undefined
        ? console.error(`[local-backend] ${message}`)
        : console.error(`[local-backend] ${message}`, error));
  // Before the app loads: auth.config.ts reads its variables when it is imported.
  const environment = DeploymentEnv.load(
    options.envFile ??
      (options.dataDir !== undefined ? path.join(options.dataDir, "env.json") : undefined),
  );
  const storage = new FileStorage();
  // Before the engine: scheduled functions may run while it starts.
  installSyscallBridge();
  // Everything the deployment does (requests, sockets, timers and scheduled
  // functions started from them) runs in its scope, so functions' storage
  // URLs name this server (see syscalls.ts).
  return await runInDeployment(storage, () => start(options, log, environment, storage));
}

async function start(
  options: LocalBackendOptions,
  log: Log,
  environment: DeploymentEnv,
  storage: FileStorage,
): Promise<LocalBackend> {
  const engine = await Engine.start({
    convexDir: options.convexDir ?? defaultConvexDir(),
    ...(options.enforceLimits !== undefined ? { enforceLimits: options.enforceLimits } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    dataDir: options.dataDir,
    ...(options.watch !== undefined ? { watch: options.watch } : {}),
    ...(options.onFunctionLog ? { onFunctionLog: options.onFunctionLog } : {}),
    onError: log,
  });
  const authenticator = new Authenticator((await engine.authConfig()).providers, {
    adminKey: options.adminKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const mutations = new MutationLog();
  const sessions = new Set<SyncSession>();
  const flushAll = () => {
    for (const session of sessions) session.scheduleFlush();
  };
  engine.onCommit(flushAll);

  // Node emits upgrades (and ws its messages) outside the scope this runs in: re-enter it.
  const inScope =
    <Args extends unknown[]>(listener: (...args: Args) => void) =>
    (...args: Args) =>
      runInDeployment(storage, () => listener(...args));
  const server: Server = createServer(
    inScope(
      createHttpHandler({
        engine,
        authenticator,
        storage,
        environment,
        // New environment variables: a query may read them, so every result runs again.
        invalidate: () => {
          engine.invalidateQueries();
          flushAll();
        },
        log,
      }),
    ),
  );
  const wss = new WebSocketServer({ noServer: true });
  server.on(
    "upgrade",
    inScope((request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const { pathname } = new URL(request.url ?? "/", "http://localhost");
      if (!SYNC_PATH.test(pathname)) {
        socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        const session = new SyncSession(ws, {
          engine,
          authenticator,
          mutations,
          environment,
          log,
        });
        sessions.add(session);
        ws.on("close", () => sessions.delete(session));
      });
    }),
  );
  const site: Server = createServer(inScope(createSiteHandler({ engine, authenticator, log })));

  const port = options.port ?? 3210;
  const host = options.host ?? "127.0.0.1";
  let url: string;
  let siteUrl: string;
  try {
    url = await listen(server, port, host, "the deployment URL");
    siteUrl = await listen(site, options.sitePort ?? (port === 0 ? 0 : 3211), host, "the site URL");
  } catch (error) {
    await engine.close();
    await Promise.all([closeServer(server), closeServer(site)]);
    throw error;
  }
  storage.listenAt(url);
  // Convex sets these on every deployment; functions build links with them
  // (e.g. upload URLs pointing at HTTP actions). One deployment per process.
  process.env.CONVEX_CLOUD_URL = url;
  process.env.CONVEX_SITE_URL = siteUrl;

  return {
    url,
    siteUrl,
    port: Number(new URL(url).port),
    sitePort: Number(new URL(siteUrl).port),
    engine,
    close: async () => {
      for (const session of sessions) session.close();
      sessions.clear();
      await engine.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all([closeServer(server), closeServer(site)]);
    },
  };
}
