/**
 * Visitor session credentials.
 *
 * A session token is 32 random bytes (256 bits), base64url-encoded, handed to
 * the visitor once. Only its SHA-256 hash is stored, so a leaked database
 * row cannot be replayed as a credential, and a document id (which is not
 * secret) is never a credential.
 */

const TOKEN_BYTES = 32;

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh, unguessable session token. */
export function generateToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

/** The stored form of a token: lowercase hex SHA-256. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
