/**
 * A loopback server speaking the part of Vapi's REST API Parley and its
 * widget use, shaped after Vapi's API reference (https://docs.vapi.ai/api-reference):
 *
 * - `GET /assistant` (`?limit=`), `POST /assistant`, `GET /assistant/{id}`,
 *   `PATCH /assistant/{id}`: the account's assistants (server SDK, private key).
 * - `GET /phone-number`: the account's phone numbers (server SDK, private key).
 * - `POST /credential`: a credential, e.g. `{ provider: "webhook",
 *   authenticationPlan: { type: "bearer", token } }` (private key).
 * - `POST /call/web`: what `@vapi-ai/web`'s `vapi.start(assistantId)` calls
 *   with the *public* key; answers a web call (`type: "webCall"`, `status:
 *   "queued"`, a `webCallUrl`). With `concurrencyLimitReached` it refuses the
 *   call as Vapi does when the account's concurrent-call lines are all in use.
 *
 * Authentication is `Authorization: Bearer <key>`; a wrong key gets Vapi's
 * 401. `failure` makes every request answer with a chosen HTTP error (e.g.
 * 429) to test how errors are shown. CORS is open, as Vapi's is, so a
 * browser page can call it. Every request is recorded.
 *
 * Test control (not Vapi's API): `POST /__test/behaviour` with a JSON body
 * `{ failure?, concurrencyLimitReached? }` changes `behaviour`, for browser
 * tests that run in another process than the server (packages/e2e starts it
 * in its global setup).
 *
 * Used by backend tests (`VAPI_API_URL` stubbed to `url`) and by browser
 * journeys in packages/e2e (the stack's backend and the widget's
 * `new Vapi(publicKey, apiBaseUrl)` pointed at it).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const VAPI_TEST_PUBLIC_KEY = "2f4c1a9e-0b1d-4c3e-9f60-5a7b8c9d0e1f";
export const VAPI_TEST_PRIVATE_KEY = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
export const VAPI_TEST_ORG_ID = "3c0a6f0e-1111-4a4a-9b9b-000000000001";

export type VapiRecordedRequest = {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
};

export type VapiAssistant = Record<string, unknown> & { id: string; name?: string };

export type VapiPhoneNumber = {
  id: string;
  orgId: string;
  provider: "vapi" | "twilio" | "vonage" | "telnyx" | "byo-phone-number";
  number: string;
  name?: string;
  status: "active" | "activating" | "blocked";
  assistantId?: string;
  createdAt: string;
  updatedAt: string;
};

export type VapiServerOptions = {
  publicKey?: string;
  privateKey?: string;
  /** Assistants the account already has (ids are generated when missing). */
  assistants?: Partial<VapiAssistant>[];
  /** Phone numbers the account has, as E.164 strings or full objects. */
  phoneNumbers?: (string | Partial<VapiPhoneNumber>)[];
};

export type VapiServer = Awaited<ReturnType<typeof startVapiServer>>;

const now = () => new Date().toISOString();

export async function startVapiServer(options: VapiServerOptions = {}) {
  const publicKey = options.publicKey ?? VAPI_TEST_PUBLIC_KEY;
  const privateKey = options.privateKey ?? VAPI_TEST_PRIVATE_KEY;
  const requests: VapiRecordedRequest[] = [];
  const assistants = new Map<string, VapiAssistant>();
  const credentials = new Map<string, Record<string, unknown>>();
  const calls = new Map<string, Record<string, unknown>>();
  const phoneNumbers: VapiPhoneNumber[] = (options.phoneNumbers ?? []).map((entry, index) => {
    const partial = typeof entry === "string" ? { number: entry } : entry;
    return {
      id: partial.id ?? randomUUID(),
      orgId: VAPI_TEST_ORG_ID,
      provider: partial.provider ?? "vapi",
      number: partial.number ?? `+1415555${String(1000 + index)}`,
      name: partial.name ?? `Line ${index + 1}`,
      status: partial.status ?? "active",
      ...(partial.assistantId ? { assistantId: partial.assistantId } : {}),
      createdAt: now(),
      updatedAt: now(),
    };
  });
  for (const assistant of options.assistants ?? []) {
    const id = assistant.id ?? randomUUID();
    assistants.set(id, {
      orgId: VAPI_TEST_ORG_ID,
      createdAt: now(),
      updatedAt: now(),
      ...assistant,
      id,
    });
  }

  /** Behaviour switches tests flip between requests. */
  const behaviour = {
    /** Answer every request with this error instead (e.g. `{ status: 429, message: "Too Many Requests" }`). */
    failure: null as { status: number; message: string } | null,
    /** Refuse `POST /call/web` as Vapi does when every concurrent-call line is in use. */
    concurrencyLimitReached: false,
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };
  const vapiError = (res: ServerResponse, status: number, message: string, error: string) =>
    send(res, status, { message, error, statusCode: status });

  const handle = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    body: Record<string, unknown> | null,
  ) => {
    const method = req.method ?? "GET";
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, "");
    const isCall = method === "POST" && path === "/call/web";
    // The web SDK uses the public key; server calls the private key (Vapi also accepts the private key for calls).
    const accepted = isCall ? [publicKey, privateKey] : [privateKey];
    if (!token || !accepted.includes(token)) {
      return vapiError(
        res,
        401,
        "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.",
        "Unauthorized",
      );
    }
    if (behaviour.failure) {
      return vapiError(res, behaviour.failure.status, behaviour.failure.message, "Error");
    }

    if (path === "/assistant" && method === "GET") {
      const limit = Number(new URL(req.url ?? "/", "http://x").searchParams.get("limit") ?? 100);
      const list = [...assistants.values()].reverse();
      return send(res, 200, list.slice(0, Number.isFinite(limit) ? limit : 100));
    }
    if (path === "/assistant" && method === "POST") {
      const id = randomUUID();
      const assistant = {
        ...body,
        id,
        orgId: VAPI_TEST_ORG_ID,
        createdAt: now(),
        updatedAt: now(),
      };
      assistants.set(id, assistant);
      return send(res, 201, assistant);
    }
    const assistantMatch = path.match(/^\/assistant\/([^/]+)$/);
    if (assistantMatch) {
      const assistant = assistants.get(decodeURIComponent(assistantMatch[1]!));
      if (!assistant) return vapiError(res, 404, "Couldn't Find Assistant", "Not Found");
      if (method === "GET") return send(res, 200, assistant);
      if (method === "PATCH") {
        const updated = { ...assistant, ...body, id: assistant.id, updatedAt: now() };
        assistants.set(assistant.id, updated);
        return send(res, 200, updated);
      }
    }
    if (path === "/phone-number" && method === "GET") return send(res, 200, phoneNumbers);
    if (path === "/credential" && method === "POST") {
      if (typeof body?.provider !== "string") {
        return vapiError(res, 400, "provider must be a string", "Bad Request");
      }
      const id = randomUUID();
      const credential = {
        ...body,
        id,
        orgId: VAPI_TEST_ORG_ID,
        createdAt: now(),
        updatedAt: now(),
      };
      credentials.set(id, credential);
      return send(res, 201, credential);
    }
    if (isCall) {
      if (behaviour.concurrencyLimitReached) {
        return send(res, 400, {
          message: "Over Concurrency Limit.",
          error: "Bad Request",
          statusCode: 400,
          subscriptionLimits: {
            concurrencyBlocked: true,
            concurrencyLimit: 10,
            remainingConcurrentCalls: 0,
          },
        });
      }
      const assistantId = typeof body?.assistantId === "string" ? body.assistantId : undefined;
      if (assistantId && !assistants.has(assistantId)) {
        return vapiError(
          res,
          400,
          "Couldn't Get Assistant. `assistantId` doesn't exist.",
          "Bad Request",
        );
      }
      const id = randomUUID();
      const call = {
        id,
        orgId: VAPI_TEST_ORG_ID,
        type: "webCall",
        status: "queued",
        assistantId,
        assistantOverrides: body?.assistantOverrides,
        webCallUrl: `${url}/rooms/${id}`,
        createdAt: now(),
        updatedAt: now(),
        subscriptionLimits: {
          concurrencyBlocked: false,
          concurrencyLimit: 10,
          remainingConcurrentCalls: 9,
        },
      };
      calls.set(id, call);
      return send(res, 201, call);
    }
    return vapiError(res, 404, `Cannot ${method} ${path}`, "Not Found");
  };

  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", "authorization, content-type");
    res.setHeader("access-control-allow-methods", "GET, POST, PATCH, DELETE, OPTIONS");
    if (req.method === "OPTIONS") {
      res.writeHead(204);
      res.end();
      return;
    }
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname.replace(/\/+$/, "") || "/";
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        return vapiError(res, 400, "Unexpected token in JSON", "Bad Request");
      }
      if (req.method === "POST" && path === "/__test/behaviour") {
        Object.assign(behaviour, body ?? {});
        return send(res, 200, behaviour);
      }
      requests.push({
        method: req.method ?? "",
        path,
        authorization: req.headers.authorization,
        body,
      });
      handle(req, res, path, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    publicKey,
    privateKey,
    requests,
    assistants,
    credentials,
    calls,
    phoneNumbers,
    behaviour,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
