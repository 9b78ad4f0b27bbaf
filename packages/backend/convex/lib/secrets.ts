/**
 * Encryption of plugin secrets at rest (e.g. an organization's Vapi private
 * key): AES-256-GCM through Web Crypto, which both Convex runtimes (V8
 * isolate and Node) provide.
 *
 * Keys come from `lib/env.ts`: `PARLEY_SECRETS_KEY` encrypts, and it and
 * every key in `PARLEY_SECRETS_KEYS_PREVIOUS` decrypt. Each key is 32 random
 * bytes, base64. A key's id is a fingerprint of the key itself (the first 8
 * bytes of its SHA-256, hex), stored beside every ciphertext, so rotating is:
 * move the old key to `PARLEY_SECRETS_KEYS_PREVIOUS`, set a new
 * `PARLEY_SECRETS_KEY`, and re-save (or `system/secrets:reencrypt`); nothing
 * has to be numbered by hand and a mistyped id cannot exist.
 *
 * Security: every ciphertext is bound to where it is stored with additional
 * authenticated data (`context`, e.g. `vapi:<organizationId>`), so a row
 * copied to another organization, or a tampered byte anywhere, fails to
 * decrypt instead of yielding another tenant's secret.
 */
import { env } from "./env";

export type Sealed = {
  /** base64 ciphertext with GCM's 16-byte tag at the end. */
  ciphertext: string;
  /** base64 96-bit nonce, fresh for every encryption. */
  iv: string;
  /** Fingerprint of the key that sealed it. */
  keyId: string;
};

const KEY_BYTES = 32;
const IV_BYTES = 12;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type Key = { id: string; key: Awaited<ReturnType<typeof crypto.subtle.importKey>> };

/** Parse and import one configured key; `name` only words the error. */
async function importKey(encoded: string, name: string): Promise<Key> {
  let raw: Uint8Array<ArrayBuffer>;
  try {
    raw = fromBase64(encoded.trim());
  } catch {
    throw new Error(`${name} must be base64 (e.g. \`openssl rand -base64 32\`).`);
  }
  if (raw.length !== KEY_BYTES) {
    throw new Error(
      `${name} must be ${KEY_BYTES} bytes, base64-encoded (\`openssl rand -base64 32\`); got ${raw.length} bytes.`,
    );
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  const id = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  return { id, key };
}

/** The current key and every key that may still decrypt, from the environment. */
async function keyring(): Promise<{ current: Key; all: Key[] }> {
  const current = await importKey(env.secretsKey(), "PARLEY_SECRETS_KEY");
  const previous = await Promise.all(
    env.previousSecretsKeys().map((key) => importKey(key, "PARLEY_SECRETS_KEYS_PREVIOUS")),
  );
  return { current, all: [current, ...previous] };
}

/** Encrypt `plaintext` with the current key, bound to `context`. */
export async function seal(plaintext: string, context: string): Promise<Sealed> {
  const { current } = await keyring();
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
    current.key,
    new TextEncoder().encode(plaintext),
  );
  return { ciphertext: toBase64(new Uint8Array(ciphertext)), iv: toBase64(iv), keyId: current.id };
}

/**
 * Decrypt what `seal` produced for the same `context`. Throws when the key
 * is no longer configured or anything was altered (GCM's tag fails): a
 * broken invariant, never shown to a user as is.
 */
export async function unseal(sealed: Sealed, context: string): Promise<string> {
  const { all } = await keyring();
  const key = all.find((candidate) => candidate.id === sealed.keyId);
  if (!key) {
    throw new Error(
      `The key ${sealed.keyId} that encrypted this secret is not configured (PARLEY_SECRETS_KEY / PARLEY_SECRETS_KEYS_PREVIOUS).`,
    );
  }
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: fromBase64(sealed.iv),
        additionalData: new TextEncoder().encode(context),
      },
      key.key,
      fromBase64(sealed.ciphertext),
    );
  } catch {
    throw new Error("A stored secret failed its integrity check and was not decrypted.");
  }
  return new TextDecoder().decode(plaintext);
}

/** Whether `sealed` was made with an older key (re-seal it with the current one). */
export async function needsRotation(sealed: Sealed): Promise<boolean> {
  const { current } = await keyring();
  return sealed.keyId !== current.id;
}

/** Compare two secrets in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}
