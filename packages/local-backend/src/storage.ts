/**
 * File storage over HTTP, as a Convex deployment serves it on its URL:
 *
 *   POST /api/storage/upload?token=…   the file as the body → { storageId }
 *   GET  /api/storage/<storageId>      the file, with the type it was uploaded with
 *
 * `ctx.storage.generateUploadUrl()` and `ctx.storage.getUrl(id)` return those
 * URLs (through syscalls.ts). The bytes live where convex-test keeps files
 * (`ctx.storage.store` in a system transaction), so functions read uploads
 * with `ctx.storage.get` and see them in `_storage` like any other file.
 *
 * An upload URL is good for one hour, as on Convex, and only URLs a function
 * generated are accepted: a page in the developer's browser cannot fill the
 * deployment with files by posting to a guessable address.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Engine } from "./engine.js";
import { corsHeaders, HttpError, readBody, sendJson } from "./httpCommon.js";
import type { DeploymentSyscalls } from "./syscalls.js";

/** How long an upload URL stays valid (Convex: one hour). */
export const UPLOAD_URL_TTL_MS = 60 * 60 * 1000;

/** Files are held in memory: refuse bodies past this size. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

const UPLOAD_PATH = "/api/storage/upload";
const FILE_PATH = /^\/api\/storage\/([^/]+)$/;

export class FileStorage implements DeploymentSyscalls {
  /** Upload token → when it expires (ms since the epoch). */
  private readonly tokens = new Map<string, number>();
  /** The deployment URL, known once the server listens. */
  private baseUrl = "";

  constructor(private readonly now: () => number = Date.now) {}

  /** Set the deployment URL the generated URLs point at. */
  listenAt(url: string): void {
    this.baseUrl = url;
  }

  generateUploadUrl(): string {
    const now = this.now();
    for (const [token, expiresAt] of this.tokens) {
      if (expiresAt <= now) this.tokens.delete(token);
    }
    const token = randomBytes(24).toString("base64url");
    this.tokens.set(token, now + UPLOAD_URL_TTL_MS);
    return `${this.baseUrl}${UPLOAD_PATH}?token=${token}`;
  }

  fileUrl(storageId: string): string {
    return `${this.baseUrl}/api/storage/${encodeURIComponent(storageId)}`;
  }

  /** Whether `token` is from an upload URL a function generated, less than an hour ago. */
  acceptsUpload(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  /** Whether `request` is for a storage route; answers it if so. */
  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    engine: Engine,
  ): Promise<boolean> {
    if (url.pathname === UPLOAD_PATH) {
      if (request.method !== "POST") {
        throw new HttpError(405, "MethodNotAllowed", "Upload a file with POST.");
      }
      await this.upload(request, response, url, engine);
      return true;
    }
    const file = FILE_PATH.exec(url.pathname);
    if (file && (request.method === "GET" || request.method === "HEAD")) {
      await this.download(request, response, decodeURIComponent(file[1]!), engine);
      return true;
    }
    return false;
  }

  private async upload(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    engine: Engine,
  ): Promise<void> {
    if (!this.acceptsUpload(url.searchParams.get("token") ?? "")) {
      throw new HttpError(
        403,
        "InvalidUploadUrl",
        "This upload URL is unknown or has expired: get a new one from ctx.storage.generateUploadUrl().",
      );
    }
    const bytes = await readBody(request, MAX_UPLOAD_BYTES);
    const type = request.headers["content-type"] ?? "";
    const storageId = await engine.runSystem(
      async (ctx) => await ctx.storage.store(new Blob([bytes], { type })),
    );
    sendJson(request, response, 200, { storageId });
  }

  private async download(
    request: IncomingMessage,
    response: ServerResponse,
    storageId: string,
    engine: Engine,
  ): Promise<void> {
    let file: { bytes: ArrayBuffer; type: string } | null;
    try {
      // What t.run returns must be a Convex value: bytes, not a Blob.
      file = await engine.runSystem(async (ctx) => {
        const blob = await ctx.storage.get(storageId);
        return blob === null ? null : { bytes: await blob.arrayBuffer(), type: blob.type };
      });
    } catch {
      file = null; // Not a storage ID at all (convex-test validates it): not found either.
    }
    if (file === null) {
      throw new HttpError(404, "FileNotFound", `No stored file has the ID "${storageId}".`);
    }
    const bytes = Buffer.from(file.bytes);
    response.writeHead(200, {
      ...corsHeaders(request),
      "Content-Type": file.type || "application/octet-stream",
      "Content-Length": String(bytes.length),
      // A storage ID always names the same bytes.
      "Cache-Control": "private, max-age=2592000, immutable",
    });
    response.end(request.method === "HEAD" ? undefined : bytes);
  }
}
