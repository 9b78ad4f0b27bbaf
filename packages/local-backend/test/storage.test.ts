/**
 * File storage end to end, the way an app uses it from a browser: a mutation
 * hands out an upload URL, the file is POSTed to it, the returned ID is
 * saved, and `ctx.storage.getUrl` gives a URL that serves the bytes back.
 * Everything goes over real HTTP to the server, through the official clients.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { GenericId } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { FileStorage, UPLOAD_URL_TTL_MS } from "../src/storage.js";
import { FIXTURE_CONVEX_DIR, startBackend } from "./support.js";

type StorageId = GenericId<"_storage">;
type Upload = { name: string; storageId: StorageId; url: string | null };

const files = {
  generateUploadUrl: makeFunctionReference<"mutation", Record<string, never>, string>(
    "files:generateUploadUrl",
  ),
  save: makeFunctionReference<"mutation", { storageId: StorageId; name: string }>("files:save"),
  list: makeFunctionReference<"query", Record<string, never>, Upload[]>("files:list"),
  urlOf: makeFunctionReference<"query", { storageId: StorageId }, string | null>("files:urlOf"),
  sizeOf: makeFunctionReference<
    "action",
    { storageId: StorageId },
    { size: number; type: string } | null
  >("files:sizeOf"),
};

let backend: LocalBackend;
let client: ConvexClient;

/** What a browser does with an upload URL: POST the file with its type. */
async function upload(url: string, body: Uint8Array | string, type: string): Promise<Response> {
  return await fetch(url, { method: "POST", body, headers: { "Content-Type": type } });
}

beforeAll(async () => {
  backend = await startBackend({ convexDir: FIXTURE_CONVEX_DIR });
  client = new ConvexClient(backend.url, { logger: false });
});

afterAll(async () => {
  await client.close();
  await backend.close();
});

describe("uploads", () => {
  test("a file posted to a generated URL is stored and served back with its type", async () => {
    const uploadUrl = await client.mutation(files.generateUploadUrl, {});
    expect(uploadUrl.startsWith(`${backend.url}/api/storage/upload?token=`)).toBe(true);

    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 250, 251, 252]);
    const response = await upload(uploadUrl, bytes, "image/png");
    expect(response.status).toBe(200);
    const { storageId } = (await response.json()) as { storageId: StorageId };

    // The list re-runs when the upload is saved, and carries a URL on this server.
    const watched = new Promise<Upload[]>((resolve) => {
      const stop = client.onUpdate(files.list, {}, (uploads) => {
        if (uploads.length > 0) {
          stop();
          resolve(uploads);
        }
      });
    });
    await client.mutation(files.save, { storageId, name: "logo.png" });
    const [saved] = await watched;
    expect(saved).toEqual({
      name: "logo.png",
      storageId,
      url: `${backend.url}/api/storage/${storageId}`,
    });

    const served = await fetch(saved!.url!);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    // Functions see the same file: an action reads it through ctx.storage.
    expect(await client.action(files.sizeOf, { storageId })).toEqual({
      size: bytes.length,
      type: "image/png",
    });
  });

  test("an upload URL works over the HTTP client too, and takes text", async () => {
    const http = new ConvexHttpClient(backend.url, { logger: false });
    const response = await upload(
      await http.mutation(files.generateUploadUrl, {}),
      "hello, storage",
      "text/plain; charset=utf-8",
    );
    const { storageId } = (await response.json()) as { storageId: StorageId };
    const url = await http.query(files.urlOf, { storageId });
    const served = await fetch(url!);
    expect(served.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await served.text()).toBe("hello, storage");
  });

  test("only URLs a function generated accept files", async () => {
    const forged = await upload(
      `${backend.url}/api/storage/upload?token=guessed`,
      "nope",
      "text/plain",
    );
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ code: "InvalidUploadUrl" });
    const missing = await upload(`${backend.url}/api/storage/upload`, "nope", "text/plain");
    expect(missing.status).toBe(403);
  });

  test("two deployments in one process each hand out URLs on their own server", async () => {
    const other = await startBackend({ convexDir: FIXTURE_CONVEX_DIR });
    const otherClient = new ConvexHttpClient(other.url, { logger: false });
    try {
      const [mine, theirs] = await Promise.all([
        client.mutation(files.generateUploadUrl, {}),
        otherClient.mutation(files.generateUploadUrl, {}),
      ]);
      expect(mine.startsWith(`${backend.url}/`)).toBe(true);
      expect(theirs.startsWith(`${other.url}/`)).toBe(true);
      // A token is only good on the server that issued it.
      expect((await upload(theirs.replace(other.url, backend.url), "x", "text/plain")).status).toBe(
        403,
      );
    } finally {
      await other.close();
    }
  });

  test("an upload URL expires after an hour, as on Convex", () => {
    let now = 1_000_000;
    const storage = new FileStorage(() => now);
    storage.listenAt("http://127.0.0.1:1");
    const token = new URL(storage.generateUploadUrl()).searchParams.get("token")!;
    expect(storage.acceptsUpload(token)).toBe(true);
    now += UPLOAD_URL_TTL_MS - 1;
    expect(storage.acceptsUpload(token)).toBe(true);
    now += 1;
    expect(storage.acceptsUpload(token)).toBe(false);
    expect(storage.acceptsUpload("guessed")).toBe(false);
  });

  test("unknown files are 404, and getUrl of a deleted-or-missing file is null", async () => {
    expect((await fetch(`${backend.url}/api/storage/not-an-id`)).status).toBe(404);
    const uploadUrl = await client.mutation(files.generateUploadUrl, {});
    const { storageId } = (await (await upload(uploadUrl, "x", "text/plain")).json()) as {
      storageId: StorageId;
    };
    // An ID of the right table that was never stored.
    const neverStored = storageId.replace(/^\d+/, (digits) =>
      String(Number(digits) + 1000).padStart(digits.length, "0"),
    ) as StorageId;
    expect(await client.query(files.urlOf, { storageId: neverStored })).toBeNull();
    expect((await fetch(`${backend.url}/api/storage/${neverStored}`)).status).toBe(404);
  });
});
