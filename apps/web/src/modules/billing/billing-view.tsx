"use client";

import { PricingTable } from "@clerk/nextjs";
import { SubscriptionDetailsButton } from "@clerk/nextjs/experimental";
import { api } from "@parley/backend/api";
import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import { Card, CardContent, CardHeader, CardTitle } from "@parley/ui/components/card";
import { useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { useState } from "react";
import { toast } from "sonner";

import { authMode } from "~/env";
import { InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import type { SimulatedPlan, SimulatedStatus } from "./simulated-event";

type Billing = FunctionReturnType<typeof api.private.billing.get>;

const DESCRIPTION = "Your plan, what it includes, and how much of it this billing period has used.";
const STATUS_LABEL: Record<Billing["status"], string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Payment past due",
  canceled: "Canceled",
};
const date = (time: number) =>
  new Intl.DateTimeFormat("en-US", { dateStyle: "medium" }).format(new Date(time));
const number = (n: number) => new Intl.NumberFormat("en-US").format(n);

function Meter({ label, used, limit }: { label: string; used: number; limit: number }) {
  const percent = limit === 0 ? (used > 0 ? 100 : 0) : Math.min(100, (used / limit) * 100);
  return (
    <div className="flex flex-col gap-1" data-testid={`meter-${label}`}>
      <div className="flex justify-between text-sm">
        <span>{label}</span>
        <span className="text-muted-foreground tabular-nums">
          {number(used)} / {limit === 0 ? "not included" : number(limit)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div
          className={percent >= 90 ? "h-full bg-destructive" : "h-full bg-primary"}
          style={{ width: `${percent}%` }}
        />
      </div>
    </div>
  );
}

function PlanCard({ plan, current }: { plan: Billing["plans"][number]; current: boolean }) {
  const { limits } = plan;
  const features = [
    `${number(limits.aiRepliesPerMonth)} AI replies a month`,
    `${number(limits.knowledgeBaseCharacters)} characters of knowledge base`,
    limits.voiceMinutesPerMonth > 0
      ? `${number(limits.voiceMinutesPerMonth)} voice minutes a month`
      : "No voice calls",
    `${limits.seats} seats`,
    `${limits.analyticsHistoryDays} days of analytics`,
    ...(limits.features.outboundWebhooks ? ["Outbound webhooks"] : []),
    ...(limits.features.apiKeys ? ["API keys"] : []),
  ];
  return (
    <Card className={current ? "border-primary" : undefined} data-testid={`plan-${plan.id}`}>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          {plan.name}
          {current && <Badge>Current</Badge>}
        </CardTitle>
      </CardHeader>
      <CardContent>
        <ul className="flex flex-col gap-1 text-sm text-muted-foreground">
          {features.map((feature) => (
            <li key={feature}>{feature}</li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

/**
 * Clerk mode: Clerk Billing's own components, for the organization. Clerk
 * (@clerk/nextjs 7.9) has a `PricingTable` component; subscription details
 * exist only as `SubscriptionDetailsButton` (experimental), which opens
 * Clerk's subscription-details drawer. Both load clerk-js from Clerk's
 * servers, so they render only in Clerk mode; the plan they change reaches
 * Parley through Clerk's webhooks.
 */
function ClerkBilling() {
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <CardTitle>Change plan</CardTitle>
        <SubscriptionDetailsButton for="organization">
          <Button variant="outline">Subscription details</Button>
        </SubscriptionDetailsButton>
      </CardHeader>
      <CardContent>
        <PricingTable for="organization" />
      </CardContent>
    </Card>
  );
}

/** Local mode: send a signed Clerk billing event through the backend's real webhook path. */
function SimulatePlanChange() {
  const [busy, setBusy] = useState(false);
  const simulate = async (plan: SimulatedPlan, status: SimulatedStatus) => {
    setBusy(true);
    try {
      const response = await fetch("/api/local-billing", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ plan, status }),
      });
      const body = (await response.json()) as { error?: string };
      if (!response.ok) throw new Error(body.error ?? `Request failed (${response.status})`);
      toast.success("Billing event delivered");
    } catch (error) {
      toast.error("Could not simulate the change", {
        description: error instanceof Error ? error.message : String(error),
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Simulate plan change</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <p className="text-sm text-muted-foreground" data-testid="simulate-note">
          Local mode: these buttons send a svix-signed Clerk <code>subscription.updated</code> event
          to this backend&apos;s <code>/webhooks/clerk</code>, so the same verified webhook path as
          production changes the plan. With Clerk, plans are bought in Clerk&apos;s pricing table
          instead.
        </p>
        <div className="flex flex-wrap gap-2">
          <Button disabled={busy} onClick={() => void simulate("pro", "active")}>
            Upgrade to Pro
          </Button>
          <Button
            disabled={busy}
            variant="outline"
            onClick={() => void simulate("business", "active")}
          >
            Upgrade to Business
          </Button>
          <Button
            disabled={busy}
            variant="outline"
            onClick={() => void simulate("pro", "past_due")}
          >
            Simulate failed payment (past due)
          </Button>
          <Button
            disabled={busy}
            variant="outline"
            onClick={() => void simulate("pro", "canceled")}
          >
            Cancel Pro
          </Button>
          <Button disabled={busy} variant="outline" onClick={() => void simulate("free", "active")}>
            Downgrade to Free
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}

export function BillingView() {
  const { isAdmin } = useWorkspace();
  const billing = useQuery(api.private.billing.get, isAdmin ? {} : "skip");
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Billing" description={DESCRIPTION} />
        <EmptyState title="Only admins manage billing">
          Ask an admin of your organization to change its plan.
        </EmptyState>
      </>
    );
  }
  if (billing === undefined) {
    return (
      <>
        <PageHeader title="Billing" description={DESCRIPTION} />
        <LoadingState label="Loading billing…" />
      </>
    );
  }
  const { usage, limits } = billing;
  const currentPlan = billing.plans.find((plan) => plan.id === billing.plan);
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Billing" description={DESCRIPTION} />
      <Card>
        <CardHeader>
          <CardTitle className="flex flex-wrap items-center gap-2">
            <span data-testid="billing-plan">{currentPlan?.name ?? billing.plan}</span>
            <Badge
              variant={billing.status === "active" ? "success" : "warning"}
              data-testid="billing-status"
            >
              {STATUS_LABEL[billing.status]}
            </Badge>
          </CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {billing.currentPeriodEnd !== undefined && (
            <p className="text-sm text-muted-foreground">
              {billing.status === "canceled" ? "Ends" : "Renews"} on{" "}
              {date(billing.currentPeriodEnd)}
            </p>
          )}
          {billing.graceEndsAt !== undefined && (
            <Alert variant="destructive">
              <InfoIcon />
              <AlertTitle>Payment past due</AlertTitle>
              <AlertDescription>
                Update the payment method by {date(billing.graceEndsAt)} to keep this plan; after
                that the organization falls back to Free.
              </AlertDescription>
            </Alert>
          )}
          <p className="text-sm font-medium" data-testid="billing-period">
            This billing period: {date(usage.periodStart)} – {date(usage.periodEnd - 1)}
          </p>
          <Meter label="AI replies" used={usage.aiReplies} limit={limits.aiRepliesPerMonth} />
          <Meter
            label="Knowledge-base characters"
            used={usage.knowledgeBaseCharacters}
            limit={limits.knowledgeBaseCharacters}
          />
          <Meter
            label="Voice minutes"
            used={usage.voiceMinutes}
            limit={limits.voiceMinutesPerMonth}
          />
          <Meter label="Seats" used={usage.seats} limit={billing.memberLimit} />
          <p className="text-sm text-muted-foreground">
            {number(usage.conversations)} conversations this period.
          </p>
        </CardContent>
      </Card>
      {authMode === "local" ? <SimulatePlanChange /> : <ClerkBilling />}
      <div className="grid gap-4 md:grid-cols-3">
        {billing.plans.map((plan) => (
          <PlanCard key={plan.id} plan={plan} current={plan.id === billing.plan} />
        ))}
      </div>
    </div>
  );
}
