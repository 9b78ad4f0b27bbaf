import { NextResponse, type NextRequest } from "next/server";
import { Webhook } from "svix";

import { serverEnv } from "~/env";
import { currentMember, jsonBody, localProviderFor } from "~/modules/auth/local/provider";
import {
  SIMULATED_PLANS,
  SIMULATED_STATUSES,
  simulatedSubscriptionEvent,
  type SimulatedPlan,
  type SimulatedStatus,
} from "~/modules/billing/simulated-event";

/**
 * Local mode's stand-in for Clerk Billing: signs a Clerk `subscription.updated`
 * event with svix and the local stack's webhook secret, and posts it to the
 * backend's `/webhooks/clerk`, so the real, verified webhook path changes the
 * plan. Exists only with the local identity provider (404 otherwise, so never
 * in production with Clerk), and only for the signed-in organization's admins.
 */
export async function POST(request: NextRequest) {
  const provider = localProviderFor(request);
  if (provider instanceof Response) return provider;
  const secret = serverEnv.localClerkWebhookSecret();
  const site = serverEnv.convexSiteUrl();
  if (!secret || !site) {
    return NextResponse.json(
      {
        error:
          "Set PARLEY_LOCAL_CLERK_WEBHOOK_SECRET and NEXT_PUBLIC_CONVEX_SITE_URL (npm run dev does) to simulate billing.",
      },
      { status: 503 },
    );
  }
  const member = await currentMember(provider, request);
  if (!member) return NextResponse.json({ error: "Please sign in." }, { status: 401 });
  if (member.role !== "admin") {
    return NextResponse.json({ error: "Only an organization admin can do this." }, { status: 403 });
  }
  const body = await jsonBody(request);
  const plan = body?.plan as SimulatedPlan;
  const status = (body?.status ?? "active") as SimulatedStatus;
  if (!SIMULATED_PLANS.includes(plan) || !SIMULATED_STATUSES.includes(status)) {
    return NextResponse.json({ error: "Unknown plan or status." }, { status: 400 });
  }
  const now = Date.now();
  const payload = JSON.stringify(
    simulatedSubscriptionEvent({
      organizationId: member.organization.id,
      organizationName: member.organization.name,
      plan,
      status,
      now,
    }),
  );
  const id = `msg_local_${now}_${Math.random().toString(36).slice(2, 10)}`;
  const sentAt = new Date(now);
  const response = await fetch(`${site}/webhooks/clerk`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(now / 1000)),
      "svix-signature": new Webhook(secret).sign(id, sentAt, payload),
    },
    body: payload,
  });
  if (!response.ok) {
    return NextResponse.json(
      { error: `The backend refused the event (${response.status}).` },
      { status: 502 },
    );
  }
  return NextResponse.json({ delivered: id });
}
