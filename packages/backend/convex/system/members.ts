import { v } from "convex/values";

import { internalQuery } from "../_generated/server";
import { displayName } from "../lib/conversations";
import { requireMember } from "../lib/functions";
import { vMemberRole } from "../lib/validators";

/** The calling member (from the identity `runQuery` carries), for `orgAction`. */
export const current = internalQuery({
  args: { role: v.optional(vMemberRole) },
  returns: v.object({
    organizationId: v.id("organizations"),
    userId: v.id("users"),
    userName: v.string(),
    role: vMemberRole,
  }),
  handler: async (ctx, { role }) => {
    const member = await requireMember(ctx, role);
    return {
      organizationId: member.organizationId,
      userId: member.user._id,
      userName: displayName(member.user),
      role: member.role,
    };
  },
});
