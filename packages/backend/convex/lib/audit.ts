/** Append-only audit records: who changed what in an organization. */
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { AuditActor } from "./validators";

export async function audit(
  ctx: MutationCtx,
  entry: {
    organizationId: Id<"organizations">;
    actor: AuditActor;
    action: string;
    targetId?: string;
    details?: Record<string, string>;
  },
) {
  await ctx.db.insert("auditLogs", entry);
}
