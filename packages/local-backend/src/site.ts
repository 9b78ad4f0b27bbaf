/**
 * The deployment's site URL: HTTP actions routed by the app's `convex/http.ts`.
 *
 * Convex serves HTTP actions on a second origin (`*.convex.site`, port 3211
 * for a local deployment), apart from the API on the deployment URL, so an
 * app's routes can never shadow `/api/...`. Here too: the site is its own
 * port, and every request on it, whatever its path or method, goes to the
 * router, which answers 404 for routes it does not have.
 *
 * Requests run through convex-test's `t.fetch`. A valid `Authorization:
 * Bearer <token>` sets `ctx.auth`, as on Convex; any other header leaves the
 * action anonymous here (webhooks put their own credentials there, which the
 * action checks itself). Responses stream, so server-sent events and streamed
 * text work. CORS is the router's business, as on Convex.
 *
 * The caller's address reaches the action the way it does behind a proxy:
 * the socket's address is appended to `X-Forwarded-For` (after whatever the
 * client sent there), so the last entry is the one a client cannot choose
 * (Parley's `lib/clientAddress.ts` reads it for per-client limits).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

import { AuthenticationError, type Authenticator } from "./auth.js";
import { ANONYMOUS, type Caller, type Engine } from "./engine.js";
import { describeFailure } from "./errors.js";
import { readBody, sendFailure } from "./httpCommon.js";

/** Convex limits an HTTP action's request body to 20 MiB. */
export const MAX_HTTP_ACTION_BODY_BYTES = 20 * 1024 * 1024;

export type SiteServices = {
  engine: Engine;
  authenticator: Authenticator;
  log: (message: string, error?: unknown) => void;
};

/** Whether the app routes HTTP actions at all (convex-test fails on a missing `http` module). */
function hasRouter(engine: Engine): boolean {
  return Object.keys(engine.app.modules).some((key) => /^\.\/convex\/http\.(ts|js)$/.test(key));
}

async function callerFor(request: IncomingMessage, authenticator: Authenticator): Promise<Caller> {
  const header = request.headers.authorization;
  if (!header?.startsWith("Bearer ")) return ANONYMOUS;
  try {
    return (await authenticator.verifyToken(header.slice("Bearer ".length).trim())).caller;
  } catch (error) {
    if (error instanceof AuthenticationError) return ANONYMOUS;
    throw error;
  }
}

function requestHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index]!, raw[index + 1]!);
  }
  const peer = request.socket.remoteAddress;
  if (peer) {
    const forwarded = headers.get("x-forwarded-for");
    headers.set("x-forwarded-for", forwarded ? `${forwarded}, ${peer}` : peer);
  }
  return headers;
}

function responseHeaders(headers: Headers): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") result[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) result["set-cookie"] = cookies;
  return result;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  services: SiteServices,
): Promise<void> {
  const { engine } = services;
  if (!hasRouter(engine)) {
    response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    response.end("This deployment has no HTTP actions: the app has no convex/http.ts.\n");
    return;
  }
  const method = request.method ?? "GET";
  const caller = await callerFor(request, services.authenticator);
  const body =
    method === "GET" || method === "HEAD"
      ? undefined
      : await readBody(request, MAX_HTTP_ACTION_BODY_BYTES);
  let result: Response;
  try {
    result = await engine.fetchHttpAction(
      request.url ?? "/",
      { method, headers: requestHeaders(request), ...(body ? { body } : {}) },
      caller,
    );
  } catch (error) {
    // The action threw: Convex answers 500 with the error, as a development deployment shows it.
    response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
    response.end(describeFailure(error).errorMessage);
    return;
  }
  response.writeHead(result.status, result.statusText, responseHeaders(result.headers));
  if (result.body === null || method === "HEAD") {
    response.end();
    return;
  }
  await pipeline(Readable.fromWeb(result.body as NodeReadableStream<Uint8Array>), response);
}

/** The request listener for the site port. */
export function createSiteHandler(services: SiteServices) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response, services).catch((error: unknown) =>
      sendFailure(request, response, error, services.log),
    );
  };
}
