/**
 * Request and response plumbing shared by the deployment URL's routes
 * (http.ts, storage.ts, deploymentEnv.ts) and the site URL (site.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A request the server refuses: answered as `status { code, message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Browsers call the API from the app's origin, so every response allows it, as Convex does. */
export function corsHeaders(request: IncomingMessage): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": request.headers.origin ?? "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, Convex-Client",
    "Access-Control-Max-Age": "86400",
    Vary: "Origin",
  };
}

export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
): void {
  response.writeHead(status, { ...corsHeaders(request), "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The whole request body, refused with 413 past `maxBytes`. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      throw new HttpError(
        413,
        "RequestTooLarge",
        `Request bodies are limited to ${maxBytes} bytes.`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The request body as a JSON object (an empty body is `{}`). */
export async function readJsonBody(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  const text = (await readBody(request, maxBytes)).toString("utf8");
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "BadJsonBody", "The request body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "BadJsonBody", "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

/**
 * Answer a failed request: an HttpError as itself, anything else as a 500
 * (logged: it is the server's bug, not the client's).
 */
export function sendFailure(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  log: (message: string, error?: unknown) => void,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(request, response, error.status, { code: error.code, message: error.message });
    return;
  }
  log("HTTP request failed", error);
  sendJson(request, response, 500, {
    code: "InternalServerError",
    message: "Internal server error",
  });
}
