/**
 * Shared test support: a local identity provider (an RS256 key pair whose
 * JWKS the backend trusts through PARLEY_LOCAL_AUTH_*), and servers started
 * on ephemeral loopback ports. Nothing of the runtime is stubbed: tests talk
 * to it through the official Convex clients or a raw WebSocket.
 */
import { fileURLToPath } from "node:url";

import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { WebSocket } from "ws";

import { startLocalBackend, type LocalBackend, type LocalBackendOptions } from "../src/index.js";
import type { ServerMessage } from "../src/protocol.js";
import { frameText } from "../src/sync.js";

/** A small Convex app (file storage, HTTP actions, environment variables) for what Parley's backend does not use yet. */
export const FIXTURE_CONVEX_DIR = fileURLToPath(new URL("fixtures/convex", import.meta.url));

export const ISSUER = "https://auth.parley.test";
export const AUDIENCE = "convex";

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export type Issuer = {
  jwks: { keys: JWK[] };
  /** A `data:` URI holding the JWKS, as auth.config accepts. */
  jwksDataUri: string;
  sign: (claims: JWTPayload, options?: SignOptions) => Promise<string>;
};

export type SignOptions = {
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with another key (a forged token). */
  key?: SigningKey;
  kid?: string;
};

export async function createIssuer(kid = "test-key"): Promise<Issuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const jwks = { keys: [jwk] };
  return {
    jwks,
    jwksDataUri: `data:application/json;base64,${Buffer.from(JSON.stringify(jwks)).toString("base64")}`,
    sign: async (claims, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = options.expiresIn ?? 3600;
      return await new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: options.kid ?? kid, typ: "JWT" })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(Math.min(now, now + expiresIn - 60))
        .setExpirationTime(now + expiresIn)
        .sign(options.key ?? privateKey);
    },
  };
}

/** Claims the way the local issuer (and Clerk's `convex` template) describe a member. */
export function memberClaims(orgId: string, role: "admin" | "operator", user = `${role}_${orgId}`) {
  return {
    sub: user,
    name: `${role} of ${orgId}`,
    email: `${user}@example.com`,
    org_id: orgId,
    org_role: role === "admin" ? "org:admin" : "org:member",
    org_name: `Organization ${orgId}`,
  };
}

/**
 * Point the backend's auth.config at `issuer`. The config is read from the
 * environment when the runtime first loads it, so call this before the first
 * server of a test file starts.
 */
export function trustIssuer(jwksUrl: string): void {
  process.env.PARLEY_LOCAL_AUTH_ISSUER = ISSUER;
  process.env.PARLEY_LOCAL_AUTH_JWKS_URL = jwksUrl;
}

export async function startBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  return await startLocalBackend({ port: 0, host: "127.0.0.1", log: () => {}, ...options });
}

/**
 * Start a visitor session on Parley's backend the way the widget does:
 * `POST /widget/sessions` on the site URL (the backend limits new sessions
 * per client address, which only an HTTP action sees).
 */
export async function startVisitorSession(
  siteUrl: string,
  session: { organizationId: string; name?: string; email?: string; metadata?: object },
): Promise<{ sessionToken: string; expiresAt: number }> {
  const response = await fetch(`${siteUrl}/widget/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ metadata: {}, ...session }),
  });
  if (!response.ok) {
    throw new Error(`POST /widget/sessions: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as { sessionToken: string; expiresAt: number };
}

/**
 * A raw sync-protocol connection, for asserting what goes over the wire.
 * Messages are queued as they arrive; `next` takes them in order.
 */
export class RawSyncClient {
  private readonly received: ServerMessage[] = [];
  private readonly waiters: ((message: ServerMessage) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(frameText(data)) as ServerMessage;
      if (message.type === "Ping") return;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
    this.closed = new Promise((resolve) =>
      socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async connect(url: string, sessionId = crypto.randomUUID()): Promise<RawSyncClient> {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/1.48.0/sync`);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const client = new RawSyncClient(socket);
    client.send({
      type: "Connect",
      sessionId,
      connectionCount: 0,
      lastCloseReason: null,
      clientTs: Date.now(),
    });
    return client;
  }

  send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Send a frame as it is (malformed ones included). */
  sendText(frame: string): void {
    this.socket.send(frame);
  }

  next(): Promise<ServerMessage> {
    const message = this.received.shift();
    if (message) return Promise.resolve(message);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next message, which must be of `type`. */
  async expect<Type extends ServerMessage["type"]>(
    type: Type,
  ): Promise<Extract<ServerMessage, { type: Type }>> {
    const message = await this.next();
    if (message.type !== type) {
      throw new Error(`expected ${type}, received ${JSON.stringify(message)}`);
    }
    return message as Extract<ServerMessage, { type: Type }>;
  }

  /** The next messages, one of each type, in whatever order the server sent them. */
  async expectEach<Types extends ServerMessage["type"][]>(
    ...types: Types
  ): Promise<{ [Type in Types[number]]: Extract<ServerMessage, { type: Type }> }> {
    const found: Partial<Record<ServerMessage["type"], ServerMessage>> = {};
    for (let index = 0; index < types.length; index++) {
      const message = await this.next();
      if (!types.includes(message.type) || found[message.type]) {
        throw new Error(
          `expected one each of ${types.join(", ")}, received ${JSON.stringify(message)}`,
        );
      }
      found[message.type] = message;
    }
    return found as { [Type in Types[number]]: Extract<ServerMessage, { type: Type }> };
  }

  close(): void {
    this.socket.close();
  }
}

export type QueryEvent<T> = { ok: true; value: T } | { ok: false; error: Error };

/**
 * Everything a `ConvexClient.onUpdate` subscription delivers, in order, with
 * a way to wait for the first event satisfying a predicate (the test's timeout
 * bounds the wait; no test asserts how long it took).
 */
export class QueryWatch<T> {
  readonly events: QueryEvent<T>[] = [];
  private readonly waiters: {
    accept: (event: QueryEvent<T>) => boolean;
    resolve: (event: QueryEvent<T>) => void;
  }[] = [];
  readonly unsubscribe: () => void;

  constructor(
    subscribe: (onValue: (value: T) => void, onError: (error: Error) => void) => () => void,
  ) {
    this.unsubscribe = subscribe(
      (value) => this.push({ ok: true, value }),
      (error) => this.push({ ok: false, error }),
    );
  }

  private push(event: QueryEvent<T>): void {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.accept(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }

  /** The first event (already delivered or future) that `accept` accepts. */
  waitFor(accept: (event: QueryEvent<T>) => boolean): Promise<QueryEvent<T>> {
    const seen = this.events.find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ accept, resolve }));
  }

  /** The first successful value `accept` accepts. */
  async value(accept: (value: T) => boolean = () => true): Promise<T> {
    const event = await this.waitFor((candidate) => candidate.ok && accept(candidate.value));
    if (!event.ok) throw event.error;
    return event.value;
  }

  /** The first error delivered. */
  async error(): Promise<Error> {
    const event = await this.waitFor((candidate) => !candidate.ok);
    if (event.ok) throw new Error("expected an error");
    return event.error;
  }
}
