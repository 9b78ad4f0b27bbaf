/**
 * The local backend: one HTTP server on one port, like a Convex deployment's
 * URL. WebSocket upgrades on `/api/<client version>/sync` become sync
 * sessions; every other request goes to the HTTP API. All of it shares one
 * engine (one in-memory database) and one authenticator built from the app's
 * `auth.config.ts`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";

import { WebSocketServer } from "ws";

import { Authenticator } from "./auth.js";
import { Engine } from "./engine.js";
import { createHttpHandler } from "./http.js";
import { MutationLog, SyncSession } from "./sync.js";

export type LocalBackendOptions = {
  /** The Convex functions directory to load. Default: `@parley/backend`'s `convex/`. */
  convexDir?: string;
  /** Default 3210 (what `convex dev` uses locally). 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the local backend trusts its machine, so it never listens beyond it unless told to. */
  host?: string;
  /** Lets developer tools authenticate as admin (internal functions, impersonation). Off when absent. */
  adminKey?: string | undefined;
  /** Enforce Convex's per-transaction read/write limits. Default true. */
  enforceLimits?: boolean;
  /** See EngineOptions.pollIntervalMs. */
  pollIntervalMs?: number;
  /** Where runtime problems are reported. Default: console.error. */
  log?: (message: string, error?: unknown) => void;
  /** For OIDC discovery. Default: the global fetch. */
  fetch?: typeof fetch;
};

export type LocalBackend = {
  /** The deployment URL to give Convex clients, e.g. `http://127.0.0.1:3210`. */
  url: string;
  port: number;
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

export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const log =
    options.log ??
    ((message: string, error?: unknown) =>
      error === undefined
        ? console.error(`[local-backend] ${message}`)
        : console.error(`[local-backend] ${message}`, error));
  const engine = await Engine.start({
    convexDir: options.convexDir ?? defaultConvexDir(),
    ...(options.enforceLimits !== undefined ? { enforceLimits: options.enforceLimits } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    onError: log,
  });
  const authenticator = new Authenticator((await engine.authConfig()).providers, {
    adminKey: options.adminKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const mutations = new MutationLog();
  const sessions = new Set<SyncSession>();
  engine.onCommit(() => {
    for (const session of sessions) session.scheduleFlush();
  });

  const server: Server = createServer(createHttpHandler({ engine, authenticator, log }));
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    if (!SYNC_PATH.test(pathname)) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const session = new SyncSession(ws, { engine, authenticator, mutations, log });
      sessions.add(session);
      ws.on("close", () => sessions.delete(session));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3210, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    engine,
    close: async () => {
      for (const session of sessions) session.close();
      sessions.clear();
      engine.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
