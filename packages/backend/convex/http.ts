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
 * `POST /vapi/server-messages`: Vapi's server messages for an organization's
 * assistant. Authenticated by the organization's own credential token
 * (`Authorization: Bearer …`, or `X-Vapi-Secret`), looked up by its SHA-256:
 * anything else is a 401 and nothing is written. A message is acknowledged
 * at once (Vapi waits only briefly and sends `end-of-call-report` once) and
 * applied by the scheduled `system/vapiMessages.apply`.
 */
import { verifyWebhook } from "@clerk/backend/webhooks";
import { httpRouter } from "convex/server";

import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";
import { isKnownEvent, toChange } from "./lib/clerkEvents";
import { env } from "./lib/env";
import { hashToken } from "./lib/tokens";
import { parseServerMessage } from "./lib/vapiMessages";

export const CLERK_WEBHOOK_PATH = "/webhooks/clerk";

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
