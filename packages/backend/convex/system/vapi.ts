/**
 * The database side of an organization's Vapi connection, for the actions in
 * `private/vapi.ts` (actions cannot read or write the database themselves).
 * Internal only: `keysOf` hands out the *encrypted* private key, which only
 * an action decrypts, for one request to Vapi.
 */
import { v } from "convex/values";

import { internalMutation, internalQuery } from "../_generated/server";
import { audit } from "../lib/audit";
import { vapiPluginOf, vapiSettingsOf } from "../lib/voice";

const vSealed = v.object({ ciphertext: v.string(), iv: v.string(), keyId: v.string() });

/** The organization's sealed private key and public key, or null when not connected. */
export const keysOf = internalQuery({
  args: { organizationId: v.id("organizations") },
  returns: v.union(v.object({ sealed: vSealed, publicKey: v.string() }), v.null()),
  handler: async (ctx, { organizationId }) => {
    const plugin = await vapiPluginOf(ctx, organizationId);
    if (!plugin) return null;
    return {
      sealed: {
        ciphertext: plugin.secretCiphertext,
        iv: plugin.secretIv,
        keyId: plugin.secretKeyId,
      },
      publicKey: plugin.publicConfig?.publicKey ?? "",
    };
  },
});

/** Store validated keys (replacing earlier ones); the private key arrives sealed. */
export const saveKeys = internalMutation({
  args: {
    organizationId: v.id("organizations"),
    userId: v.id("users"),
    publicKey: v.string(),
    sealed: vSealed,
  },
  returns: v.null(),
  handler: async (ctx, { organizationId, userId, publicKey, sealed }) => {
    const fields = {
      secretCiphertext: sealed.ciphertext,
      secretIv: sealed.iv,
      secretKeyId: sealed.keyId,
      publicConfig: { publicKey },
      updatedAt: Date.now(),
    };
    const existing = await vapiPluginOf(ctx, organizationId);
    if (existing) await ctx.db.patch("plugins", existing._id, fields);
    else await ctx.db.insert("plugins", { organizationId, service: "vapi", ...fields });
    await audit(ctx, {
      organizationId,
      actor: { type: "user", userId },
      action: existing ? "vapi.keys_replaced" : "vapi.connected",
    });
    return null;
  },
});

/** Settings of the organization's Vapi calls (never secret: the server secret is stored hashed). */
export const settingsOf = internalQuery({
  args: { organizationId: v.id("organizations") },
  returns: v.union(
    v.object({
      assistantMode: v.optional(v.union(v.literal("managed"), v.literal("existing"))),
      assistantId: v.optional(v.string()),
      credentialId: v.optional(v.string()),
    }),
    v.null(),
  ),
  handler: async (ctx, { organizationId }) => {
    const settings = await vapiSettingsOf(ctx, organizationId);
    if (!settings) return null;
    return {
      assistantMode: settings.assistantMode,
      assistantId: settings.assistantId,
      credentialId: settings.credentialId,
    };
  },
});
