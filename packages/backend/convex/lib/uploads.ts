/**
 * Who an uploaded file belongs to, and what for.
 *
 * Convex storage ids are not scoped to anything: whoever learns one could
 * hand it to a mutation. So files are never uploaded to a bare storage URL.
 * A member asks for an upload URL (`issueUpload`): it points at Parley's own
 * `POST /uploads` route with a random single-use ticket, and the ticket's
 * row records the caller's organization and the upload's purpose at that
 * moment. The route stores the file and writes its storage id into that row
 * (`system/uploads.complete`). A function that is handed a storage id then
 * accepts it only through `claimUpload`, which refuses ids that are
 * unknown, another organization's, or uploaded for another purpose.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { env } from "./env";
import { appError } from "./errors";
import type { UploadPurpose } from "./validators";

/** How long an upload URL may be used (as Convex's own upload URLs). */
export const UPLOAD_TICKET_TTL_MS = 60 * 60 * 1000;

/** The HTTP route files are uploaded to (see `http.ts`). */
export const UPLOAD_PATH = "/uploads";

function randomTicket(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * Record a single-use upload ticket for `organizationId` and `purpose`, and
 * return the URL to POST the file to (its body; `name` is the file's name).
 */
export async function issueUpload(
  ctx: MutationCtx,
  organizationId: Id<"organizations">,
  purpose: UploadPurpose,
  fileName?: string,
): Promise<string> {
  const ticket = randomTicket();
  await ctx.db.insert("uploads", {
    organizationId,
    purpose,
    ticket,
    expiresAt: Date.now() + UPLOAD_TICKET_TTL_MS,
  });
  const url = new URL(UPLOAD_PATH, env.siteUrl());
  url.searchParams.set("ticket", ticket);
  if (fileName) url.searchParams.set("name", fileName);
  return url.toString();
}

/**
 * The upload behind `storageId`, if the caller's organization uploaded it for
 * `purpose`; otherwise NOT_FOUND, the same answer for "no such file" and
 * "someone else's file", so ids cannot be probed.
 */
export async function claimUpload(
  ctx: QueryCtx,
  organizationId: Id<"organizations">,
  purpose: UploadPurpose,
  storageId: Id<"_storage">,
): Promise<Doc<"uploads">> {
  const upload = await ctx.db
    .query("uploads")
    .withIndex("by_storage_id_and_expires_at", (q) => q.eq("storageId", storageId))
    .unique();
  if (!upload || upload.organizationId !== organizationId || upload.purpose !== purpose) {
    throw appError("NOT_FOUND", "This upload does not exist.");
  }
  return upload;
}

/** Forget the upload row of a file being deleted. */
export async function forgetUpload(ctx: MutationCtx, storageId: Id<"_storage">): Promise<void> {
  const upload = await ctx.db
    .query("uploads")
    .withIndex("by_storage_id_and_expires_at", (q) => q.eq("storageId", storageId))
    .unique();
  if (upload) await ctx.db.delete("uploads", upload._id);
}
