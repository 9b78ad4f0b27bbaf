/**
 * The local identity provider's RS256 signing key, created on first use and
 * kept in the data directory so tokens stay valid across restarts.
 * Server-only.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from "jose";

export type SigningKey = {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK & { kid: string };
};

type StoredKey = { privateJwk: JWK; publicJwk: JWK & { kid: string } };

async function createKey(file: string): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const stored: StoredKey = {
    privateJwk: await exportJWK(privateKey),
    publicJwk: { ...publicJwk, kid, alg: "RS256", use: "sig" },
  };
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename, so a crash never leaves half a key behind.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(stored, null, 2), { mode: 0o600 });
  await rename(temporary, file);
  return stored;
}

async function readKey(file: string): Promise<StoredKey | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

const cache = new Map<string, Promise<SigningKey>>();

/** The signing key stored in `dataDir`, created there if missing. */
export function signingKey(dataDir: string): Promise<SigningKey> {
  const file = path.resolve(dataDir, "local-auth", "signing-key.json");
  let key = cache.get(file);
  if (!key) {
    key = (async () => {
      const stored = (await readKey(file)) ?? (await createKey(file));
      const privateKey = (await importJWK(stored.privateJwk, "RS256")) as CryptoKey;
      const publicKey = (await importJWK(stored.publicJwk, "RS256")) as CryptoKey;
      return { privateKey, publicKey, publicJwk: stored.publicJwk };
    })();
    cache.set(file, key);
    key.catch(() => cache.delete(file));
  }
  return key;
}
