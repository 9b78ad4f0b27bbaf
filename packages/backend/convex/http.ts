/**
 * HTTP routes. Each handler only verifies and routes: the work happens in
 * `system/` functions.
 *
 * `POST /webhooks/clerk`: Clerk's webhooks, delivered by Svix. The signature
 * (`svix-id`, `svix-timestamp`, `svix-signature`; HMAC-SHA256 with the
 * endpoint's `whsec_` secret, timestamps within 5 minutes either way) is
 * checked by @clerk/backend's `verifyWebhook` (the `standardwebhooks` library
 * Svix's own SDK uses) before anything is read from the body. A bad or stale
 * signature is a 400 and nothing is written; an event type Parley does not
 * handle is a 200, logged and ignored; a known event is applied once per
 * `svix-id` by `system/clerkWebhooks.apply`.
 *
 * `POST /widget/sessions`: the widget starts a visitor session. It is a route,
 * not a public mutation, because only an HTTP action sees the caller's address
 * (`lib/clientAddress.ts`), which the per-address limit needs
 * (`system/contactSessions.create`). Body: `vNewSession` as JSON; answers
 * `{ sessionToken, expiresAt }`, or `{ code, message }` with 400 / 404 / 415 /
 * 429 (`Retry-After`). CORS: browsers may call it from `PARLEY_WIDGET_ORIGIN`,
 * or from any origin when that is unset, which is safe because the route reads
 * no cookies or credentials (a script outside a browser ignores CORS anyway;
 * the per-address limit is what stops it).
 * `POST /uploads?ticket=…&name=…`: a file the dashboard uploads (the body),
 * with a single-use ticket a member was issued (`lib/uploads.ts`). The
 * ticket, not the caller, decides the organization and purpose; the plan's
 * size and type limits are checked before the file is stored. Answers
 * `{ storageId }` like Convex's own upload URLs, or `{ code, message }`.
 * Any origin may call it (CORS `*`): the ticket is the credential, no
 * cookie is involved.
 * `POST /vapi/server-messages`: Vapi's server messages for an organization's
 * assistant. Authenticated by the organization's own credential token
 * (`Authorization: Bearer …`, or `X-Vapi-Secret`), looked up by its SHA-256:
 * anything else is a 401 and nothing is written. A message is acknowledged
 * at once (Vapi waits only briefly and sends `end-of-call-report` once) and
 * applied by the scheduled `system/vapiMessages.apply`.
 */
import { verifyWebhook } from "@clerk/backend/webhooks";
import { httpRouter } from "convex/server";
import { validate } from "convex-helpers/validators";
import { ConvexError } from "convex/values";

import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";
import { clientAddress, clientKey } from "./lib/clientAddress";
import { isKnownEvent, toChange } from "./lib/clerkEvents";
import { env } from "./lib/env";
import { readAppError, type AppErrorData, type ErrorCode } from "./lib/errors";
import { vNewSession } from "./lib/validators";
import { UPLOAD_PATH } from "./lib/uploads";
import { hashToken } from "./lib/tokens";
import { parseServerMessage } from "./lib/vapiMessages";

export const CLERK_WEBHOOK_PATH = "/webhooks/clerk";
export const VISITOR_SESSIONS_PATH = "/widget/sessions";

const http = httpRouter();

http.route({
  path: CLERK_WEBHOOK_PATH,
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const signingSecret = env.clerkWebhookSecret();
    if (!signingSecret) {
      console.error("Clerk webhook refused: CLERK_WEBHOOK_SIGNING_SECRET is not set.");
      return new Response("Webhook signing secret not configured", { status: 500 });
    }
    let event: { type: string; data: unknown; timestamp: unknown };
    try {
      event = await verifyWebhook(request, { signingSecret });
    } catch (error) {
      console.warn(
        `Clerk webhook refused: ${error instanceof Error ? error.message : String(error)}`,
      );
      return new Response("Invalid signature", { status: 400 });
    }
    const svixId = request.headers.get("svix-id")!.trim();
    if (!isKnownEvent(event.type)) {
      console.log(`Clerk webhook ${svixId}: ignored event type ${event.type}`);
      return new Response(null, { status: 200 });
    }
    const outcome = await ctx.runMutation(internal.system.clerkWebhooks.apply, {
      svixId,
      type: event.type,
      change: toChange(event, env.planSlugs()),
    });
    console.log(`Clerk webhook ${svixId} (${event.type}): ${outcome}`);
    return new Response(null, { status: 200 });
  }),
});

function corsHeaders(): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": env.widgetOrigin() ?? "*",
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
    Vary: "Origin",
  };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
};

function errorResponse(data: AppErrorData, status = STATUS[data.code] ?? 500) {
  const headers: Record<string, string> = { ...corsHeaders(), "Content-Type": "application/json" };
  if (data.retryAfterMs !== undefined) {
    headers["Retry-After"] = String(Math.max(1, Math.ceil(data.retryAfterMs / 1000)));
  }
  return new Response(JSON.stringify(data), { status, headers });
}

http.route({
  path: VISITOR_SESSIONS_PATH,
  method: "OPTIONS",
  handler: httpAction(() =>
    Promise.resolve(new Response(null, { status: 204, headers: corsHeaders() })),
  ),
});

http.route({
  path: VISITOR_SESSIONS_PATH,
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
      return errorResponse(
        { code: "INVALID_INPUT", message: "Send the session request as application/json." },
        415,
      );
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return errorResponse({
        code: "INVALID_INPUT",
        message: "The request body is not valid JSON.",
      });
    }
    if (!validate(vNewSession, body)) {
      return errorResponse({ code: "INVALID_INPUT", message: "The session request is malformed." });
    }
    const address = clientAddress(request);
    if (!address) {
      console.warn(
        `Visitor session without a client address (no ${env.clientAddressHeader()} header): limited as "unknown".`,
      );
    }
    try {
      const session = await ctx.runMutation(internal.system.contactSessions.create, {
        session: body,
        clientKey: await clientKey(address),
      });
      return new Response(JSON.stringify(session), {
        status: 200,
        headers: { ...corsHeaders(), "Content-Type": "application/json" },
      });
    } catch (error) {
      if (error instanceof ConvexError) return errorResponse(readAppError(error));
      throw error;
    }
  }),
});

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "86400",
};

function uploadError(status: number, code: string, message: string) {
  return Response.json({ code, message }, { status, headers: CORS });
}

http.route({
  path: UPLOAD_PATH,
  method: "OPTIONS",
  handler: httpAction(() => Promise.resolve(new Response(null, { status: 204, headers: CORS }))),
});

http.route({
  path: UPLOAD_PATH,
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const params = new URL(request.url).searchParams;
    const ticket = params.get("ticket") ?? "";
    const fileName = params.get("name")?.slice(0, 255) || undefined;
    const limits = ticket
      ? await ctx.runQuery(internal.system.uploads.ticket, { ticket, now: Date.now() })
      : null;
    if (!limits) {
      return uploadError(403, "FORBIDDEN", "This upload link is not valid any more. Try again.");
    }
    const megabytes = `${Math.round((limits.maxBytes / 1024 / 1024) * 10) / 10} MB`;
    const tooLarge = () =>
      uploadError(
        413,
        "INVALID_INPUT",
        limits.purpose === "widgetLogo"
          ? "The logo must be at most 512 KB."
          : `Files can be at most ${megabytes} on the ${limits.planName} plan.`,
      );
    if (Number(request.headers.get("content-length") ?? 0) > limits.maxBytes) return tooLarge();
    const contentType = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    const extension = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
    const typeAllowed =
      limits.purpose === "widgetLogo"
        ? !!contentType && limits.contentTypes.includes(contentType)
        : (!!extension && limits.extensions.includes(extension)) ||
          (!!contentType && limits.contentTypes.includes(contentType));
    if (!typeAllowed) {
      return uploadError(
        415,
        "INVALID_INPUT",
        limits.purpose === "widgetLogo"
          ? "The logo must be a PNG, JPEG, WebP or GIF image."
          : `${fileName ?? "This file"} is not a file type the ${limits.planName} plan accepts (${limits.extensions.map((e) => `.${e}`).join(", ")}).`,
      );
    }
    const blob = await request.blob();
    if (blob.size > limits.maxBytes) return tooLarge();
    if (blob.size === 0) return uploadError(400, "INVALID_INPUT", "The file is empty.");
    const storageId = await ctx.storage.store(
      contentType ? new Blob([blob], { type: contentType }) : blob,
    );
    const recorded = await ctx.runMutation(internal.system.uploads.complete, {
      ticket,
      storageId,
      fileName,
      contentType,
      size: blob.size,
    });
    if (!recorded) {
      await ctx.storage.delete(storageId);
      return uploadError(403, "FORBIDDEN", "This upload link is not valid any more. Try again.");
    }
    return Response.json({ storageId }, { headers: CORS });
  }),
});

export const VAPI_SERVER_MESSAGES_PATH = "/vapi/server-messages";

/** The credential token Vapi sends: a bearer token, or the legacy `X-Vapi-Secret` header. */
function vapiToken(request: Request): string | null {
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const token = bearer ?? request.headers.get("x-vapi-secret")?.trim();
  return token && token.length <= 256 ? token : null;
}

http.route({
  path: VAPI_SERVER_MESSAGES_PATH,
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const token = vapiToken(request);
    const organizationId = token
      ? await ctx.runQuery(internal.system.vapiMessages.organizationForSecret, {
          secretHash: await hashToken(token),
        })
      : null;
    if (!organizationId) return new Response("Unauthorized", { status: 401 });
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return new Response("Invalid JSON", { status: 400 });
    }
    const message = parseServerMessage(body);
    if (message) {
      await ctx.scheduler.runAfter(0, internal.system.vapiMessages.apply, {
        organizationId,
        message,
      });
    }
    return Response.json({});
  }),
});

export default http;
