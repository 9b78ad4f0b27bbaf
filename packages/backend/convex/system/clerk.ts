import { v } from "convex/values";

import { internalAction } from "../_generated/server";
import { env } from "../lib/env";

/**
 * Set an organization's member limit in Clerk (`max_allowed_memberships`)
 * through Clerk's Backend API (`PATCH /v1/organizations/{id}`), so Clerk's
 * own UI refuses invitations beyond the plan's seats. Scheduled by
 * `lib/organizations.setPlan` in Clerk mode only; the limit is also recorded
 * and enforced here (`private/members.add`).
 *
 * A plain `fetch`: @clerk/backend's client reads `fetch` when its module
 * loads, which Convex's default runtime does not allow (deploy-check).
 */
export const setMemberLimit = internalAction({
  args: { organizationExternalId: v.string(), memberLimit: v.number() },
  returns: v.null(),
  handler: async (_ctx, { organizationExternalId, memberLimit }) => {
    const api = env.clerkApi();
    if (!api) return null;
    const url = `${api.apiUrl.replace(/\/$/, "")}/v1/organizations/${encodeURIComponent(organizationExternalId)}`;
    const response = await fetch(url, {
      method: "PATCH",
      headers: {
        Authorization: `Bearer ${api.secretKey}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ max_allowed_memberships: memberLimit }),
    });
    if (!response.ok) {
      // Thrown so the failure is visible in the logs; the limit is still enforced here.
      throw new Error(
        `Clerk refused the member limit for ${organizationExternalId}: ${response.status} ${await response.text()}`,
      );
    }
    return null;
  },
});
