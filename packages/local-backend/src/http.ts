/**
 * Convex's HTTP API for running functions, in the format `ConvexHttpClient`
 * speaks (see `convex/src/browser/http_client.ts`):
 *
 *   POST /api/query | /api/mutation | /api/action   { path, args: [argsObject], format }
 *   POST /api/function                              { path, args: argsObject, componentPath? }
 *   POST /api/query_ts, /api/query_at_ts            (consistent queries)
 *   POST /api/storage/upload, GET /api/storage/<id>  (file storage, see storage.ts)
 *   POST /api/update_environment_variables          (`npx convex env set`, see deploymentEnv.ts)
 *
 * Success is `200 { status: "success", value }`; a function error is
 * `560 { status: "error", errorMessage, errorData? }` (560 is Convex's "the
 * function failed" status, which the client reads as a result, not a transport
 * error). `Authorization: Bearer <jwt>` authenticates a user and
 * `Authorization: Convex <adminKey>[:<base64 identity>]` an admin tool; a
 * refused credential is a 401 before any function runs.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";

import { AuthenticationError, type Authenticator } from "./auth.js";
import { DeploymentEnv } from "./deploymentEnv.js";
import { ANONYMOUS, type Caller, type Engine, type FunctionKind } from "./engine.js";
import { describeFailure } from "./errors.js";
import {
  corsHeaders,
  HttpError,
  readJsonBody as readJsonBodyUpTo,
  sendFailure,
  sendJson,
} from "./httpCommon.js";
import { encodeTs } from "./protocol.js";
import type { FileStorage } from "./storage.js";

/** Convex's "the function failed" status: the body is a result, not a transport error. */
export const STATUS_FUNCTION_FAILED = 560;

/** The largest request body accepted (Convex caps function arguments at 16 MiB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export type HttpServices = {
  engine: Engine;
  authenticator: Authenticator;
  storage: FileStorage;
  environment: DeploymentEnv;
  /** Something outside a commit changed what queries return (environment variables). */
  invalidate: () => void;
  log: (message: string, error?: unknown) => void;
};

const FUNCTION_ENDPOINTS: Record<string, FunctionKind | "any"> = {
  "/api/query": "query",
  "/api/query_at_ts": "query",
  "/api/mutation": "mutation",
  "/api/action": "action",
  "/api/function": "any",
};

function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  return readJsonBodyUpTo(request, MAX_BODY_BYTES);
}

/** Who is calling, from the Authorization header. */
async function authenticate(
  request: IncomingMessage,
  authenticator: Authenticator,
): Promise<Caller> {
  const header = request.headers.authorization;
  if (!header) return ANONYMOUS;
  try {
    if (header.startsWith("Bearer ")) {
      return (await authenticator.verifyToken(header.slice("Bearer ".length).trim())).caller;
    }
    if (header.startsWith("Convex ")) {
      const value = header.slice("Convex ".length).trim();
      const separator = value.indexOf(":");
      if (separator === -1) return authenticator.verifyAdmin(value);
      const acting = JSON.parse(
        Buffer.from(value.slice(separator + 1), "base64").toString("utf8"),
      ) as Record<string, unknown>;
      return authenticator.verifyAdmin(value.slice(0, separator), acting);
    }
  } catch (error) {
    if (error instanceof AuthenticationError) {
      throw new HttpError(401, "Unauthenticated", error.message);
    }
    if (error instanceof SyntaxError) {
      throw new HttpError(401, "Unauthenticated", "The impersonated identity is not base64 JSON.");
    }
    throw error;
  }
  throw new HttpError(
    401,
    "Unauthenticated",
    'The Authorization header must be "Bearer <token>" or "Convex <admin key>".',
  );
}

/** `args` as ConvexHttpClient sends it (`[object]`) or as the HTTP API documents it (`object`). */
function readArgs(body: Record<string, unknown>): Record<string, Value> {
  const raw = Array.isArray(body.args) ? (body.args as unknown[]) : [body.args ?? {}];
  if (raw.length !== 1) {
    throw new HttpError(400, "BadArgs", `Expected one arguments object, received ${raw.length}.`);
  }
  let args: Value;
  try {
    args = jsonToConvex(raw[0] as JSONValue);
  } catch (error) {
    // Not a Convex value: a `$`-prefixed field name, a malformed `$bytes`/`$integer`, nesting
    // too deep to decode. The client's mistake, so a 400 saying which, as Convex answers it.
    throw new HttpError(
      400,
      "BadArgs",
      error instanceof RangeError
        ? "The arguments are nested too deeply."
        : `The arguments are not a valid Convex value: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (
    typeof args !== "object" ||
    args === null ||
    Array.isArray(args) ||
    args instanceof ArrayBuffer
  ) {
    throw new HttpError(400, "BadArgs", "The arguments to a Convex function must be an object.");
  }
  return args as Record<string, Value>;
}

async function runFunction(
  request: IncomingMessage,
  response: ServerResponse,
  kind: FunctionKind | "any",
  services: HttpServices,
): Promise<void> {
  const body = await readJsonBody(request);
  const format = body.format ?? "convex_encoded_json";
  if (format !== "convex_encoded_json" && format !== "json") {
    throw new HttpError(400, "BadFormat", `Unsupported format ${JSON.stringify(format)}.`);
  }
  if (typeof body.path !== "string" || body.path === "") {
    throw new HttpError(400, "BadPath", 'The request body needs a "path" naming the function.');
  }
  if (
    body.componentPath !== undefined &&
    body.componentPath !== null &&
    typeof body.componentPath !== "string"
  ) {
    throw new HttpError(400, "BadComponentPath", '"componentPath" must be a string.');
  }
  const caller = await authenticate(request, services.authenticator);
  const args = readArgs(body);
  if (kind === "query" || kind === "any") {
    const system = services.environment.systemQuery(body.path, args, caller);
    if (system !== undefined) {
      sendJson(request, response, 200, { status: "success", value: system, logLines: [] });
      return;
    }
  }
  const { outcome } = await services.engine.run(
    kind,
    { udfPath: body.path, componentPath: body.componentPath ?? undefined, args },
    caller,
  );
  if (outcome.success) {
    let value: JSONValue;
    try {
      value = convexToJson(outcome.value);
    } catch (error) {
      const failure = describeFailure(error);
      sendJson(request, response, STATUS_FUNCTION_FAILED, {
        status: "error",
        ...failure,
        logLines: [],
      });
      return;
    }
    sendJson(request, response, 200, { status: "success", value, logLines: [] });
    return;
  }
  sendJson(request, response, STATUS_FUNCTION_FAILED, {
    status: "error",
    errorMessage: outcome.errorMessage,
    ...(outcome.errorData !== undefined ? { errorData: outcome.errorData } : {}),
    logLines: [],
  });
}

/** `npx convex env set/remove`: admin only, all changes or none. */
async function updateEnvironment(
  request: IncomingMessage,
  response: ServerResponse,
  services: HttpServices,
): Promise<void> {
  const caller = await authenticate(request, services.authenticator);
  if (!caller.admin) {
    throw new HttpError(
      401,
      "Unauthenticated",
      "Changing environment variables needs the admin key.",
    );
  }
  services.environment.update(DeploymentEnv.parseChanges(await readJsonBody(request)));
  services.invalidate();
  sendJson(request, response, 200, {});
}

/** The request listener for everything that is not a WebSocket upgrade. */
export function createHttpHandler(services: HttpServices) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const handle = async () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const { pathname } = url;
      if (request.method === "OPTIONS") {
        response.writeHead(204, corsHeaders(request));
        response.end();
        return;
      }
      if (request.method === "GET" && pathname === "/") {
        response.writeHead(200, { ...corsHeaders(request), "Content-Type": "text/plain" });
        response.end(
          "This Convex-compatible local backend is running (Parley, for development only).\n",
        );
        return;
      }
      const kind = FUNCTION_ENDPOINTS[pathname];
      if (request.method === "POST" && kind) {
        await runFunction(request, response, kind, services);
        return;
      }
      if (request.method === "POST" && pathname === "/api/query_ts") {
        sendJson(request, response, 200, { ts: encodeTs(await services.engine.checkCommits()) });
        return;
      }
      if (request.method === "POST" && pathname === "/api/update_environment_variables") {
        await updateEnvironment(request, response, services);
        return;
      }
      if (await services.storage.handle(request, response, url, services.engine)) return;
      throw new HttpError(404, "NotFound", `No route for ${request.method ?? "?"} ${pathname}.`);
    };
    handle().catch((error: unknown) => sendFailure(request, response, error, services.log));
  };
}
