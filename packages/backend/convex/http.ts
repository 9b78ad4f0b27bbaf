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
 */
import { verifyWebhook } from "@clerk/backend/webhooks";
import { httpRouter } from "convex/server";

import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";
import { isKnownEvent, toChange } from "./lib/clerkEvents";
import { env } from "./lib/env";

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

export default http;
