import { afterEach, describe, expect, test, vi } from "vitest";

import { OTHER_SECRETS_KEY, TEST_SECRETS_KEY, useSecretsKey } from "../../test/voice";
import { needsRotation, seal, unseal } from "./secrets";

afterEach(() => vi.unstubAllEnvs());

describe("lib/secrets", () => {
  test("round trip: what is sealed unseals, and the stored form does not contain it", async () => {
    useSecretsKey();
    const sealed = await seal("vapi-private-key-123", "plugins:vapi:org1");
    expect(JSON.stringify(sealed)).not.toContain("vapi-private-key-123");
    expect(await unseal(sealed, "plugins:vapi:org1")).toBe("vapi-private-key-123");
    // A fresh nonce every time: the same secret never seals to the same bytes.
    const again = await seal("vapi-private-key-123", "plugins:vapi:org1");
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
    expect(again.iv).not.toBe(sealed.iv);
  });

  test("tampering with any part, or moving it to another organization, fails to decrypt", async () => {
    useSecretsKey();
    const sealed = await seal("secret", "plugins:vapi:org1");
    const flip = (b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      bytes[0]! ^= 1;
      return btoa(String.fromCharCode(...bytes));
    };
    await expect(
      unseal({ ...sealed, ciphertext: flip(sealed.ciphertext) }, "plugins:vapi:org1"),
    ).rejects.toThrow(/integrity/);
    await expect(unseal({ ...sealed, iv: flip(sealed.iv) }, "plugins:vapi:org1")).rejects.toThrow(
      /integrity/,
    );
    await expect(unseal(sealed, "plugins:vapi:org2")).rejects.toThrow(/integrity/);
  });

  test("rotation: an old key still decrypts while listed as previous, and new seals use the new key", async () => {
    useSecretsKey(TEST_SECRETS_KEY);
    const old = await seal("secret", "ctx");
    useSecretsKey(OTHER_SECRETS_KEY, [TEST_SECRETS_KEY]);
    expect(await needsRotation(old)).toBe(true);
    expect(await unseal(old, "ctx")).toBe("secret");
    const fresh = await seal("secret", "ctx");
    expect(fresh.keyId).not.toBe(old.keyId);
    expect(await needsRotation(fresh)).toBe(false);
    // Once the old key is dropped, its ciphertexts name a key that is not configured.
    useSecretsKey(OTHER_SECRETS_KEY);
    await expect(unseal(old, "ctx")).rejects.toThrow(/not configured/);
  });

  test("a missing or malformed key is named in the error", async () => {
    vi.stubEnv("PARLEY_SECRETS_KEY", "");
    await expect(seal("x", "ctx")).rejects.toThrow(/PARLEY_SECRETS_KEY/);
    vi.stubEnv("PARLEY_SECRETS_KEY", btoa("too short"));
    await expect(seal("x", "ctx")).rejects.toThrow(/32 bytes/);
  });
});
