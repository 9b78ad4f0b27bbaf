/**
 * The Convex sync protocol as it travels over the WebSocket, seen from the
 * server. The shapes mirror `convex/src/browser/sync/protocol.ts` (the
 * client's side, which the package does not export) in their *encoded* form:
 * timestamps are u64s sent as little-endian base64, because a JSON number
 * cannot hold 64 bits.
 *
 * Parsing is strict about what the server relies on and ignores the rest, so
 * a newer client that adds a field keeps working, while a malformed message
 * fails loudly instead of corrupting a session.
 */
import type { JSONValue } from "convex/values";

export type QueryId = number;
export type RequestId = number;

/**
 * Decisions a query made while it ran, handed back with its result and sent
 * again when the client re-subscribes (see pagination.ts). Opaque to the
 * client; `null` is the empty journal.
 */
export type QueryJournal = string | null;

/** A u64 timestamp in the wire encoding: 8 bytes, little-endian, base64. */
export type EncodedTs = string;

/** Encode a u64 the way the Convex backend does (little-endian base64). */
export function encodeTs(ts: bigint): EncodedTs {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

/** Decode a u64 sent by a client (`Connect.maxObservedTimestamp`, HTTP `query_at_ts`). */
export function decodeTs(encoded: EncodedTs): bigint {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length !== 8) throw new ProtocolError(`A u64 must be 8 bytes, got ${bytes.length}.`);
  return bytes.readBigUInt64LE();
}

// ---------------------------------------------------------------------------
// Client → server

export type AddQuery = {
  type: "Add";
  queryId: QueryId;
  udfPath: string;
  args: JSONValue[];
  journal?: QueryJournal;
  componentPath?: string;
};
export type RemoveQuery = { type: "Remove"; queryId: QueryId };

/** The identity a developer's admin key may act as (`UserIdentityAttributes` on the client). */
export type ImpersonatedIdentity = Record<string, JSONValue | undefined>;

export type Authenticate =
  | { type: "Authenticate"; tokenType: "User"; value: string; baseVersion: number }
  | {
      type: "Authenticate";
      tokenType: "Admin";
      value: string;
      baseVersion: number;
      impersonating?: ImpersonatedIdentity;
    }
  | { type: "Authenticate"; tokenType: "None"; baseVersion: number };

/** A `Mutation` or `Action` request: run a function once, answered by its requestId. */
export type FunctionRequest<Type extends "Mutation" | "Action"> = {
  type: Type;
  requestId: RequestId;
  udfPath: string;
  args: JSONValue[];
  componentPath?: string;
};

export type ClientMessage =
  | {
      type: "Connect";
      sessionId: string;
      connectionCount: number;
      lastCloseReason: string | null;
      maxObservedTimestamp?: EncodedTs;
      clientTs?: number;
    }
  | {
      type: "ModifyQuerySet";
      baseVersion: number;
      newVersion: number;
      modifications: (AddQuery | RemoveQuery)[];
    }
  | FunctionRequest<"Mutation">
  | FunctionRequest<"Action">
  | Authenticate
  | { type: "Event"; eventType: string; event: JSONValue };

// ---------------------------------------------------------------------------
// Server → client

export type StateVersion = { querySet: number; identity: number; ts: EncodedTs };

export type StateModification =
  | {
      type: "QueryUpdated";
      queryId: QueryId;
      value: JSONValue;
      logLines: string[];
      journal: QueryJournal;
    }
  | {
      type: "QueryFailed";
      queryId: QueryId;
      errorMessage: string;
      errorData?: JSONValue;
      logLines: string[];
      journal: QueryJournal;
    }
  | { type: "QueryRemoved"; queryId: QueryId };

export type ServerMessage =
  | {
      type: "Transition";
      startVersion: StateVersion;
      endVersion: StateVersion;
      modifications: StateModification[];
      clientClockSkew?: number;
      serverTs?: number;
    }
  | {
      type: "MutationResponse";
      requestId: RequestId;
      success: true;
      result: JSONValue;
      ts: EncodedTs;
      logLines: string[];
    }
  | {
      type: "MutationResponse";
      requestId: RequestId;
      success: false;
      result: string;
      errorData?: JSONValue;
      logLines: string[];
    }
  | {
      type: "ActionResponse";
      requestId: RequestId;
      success: true;
      result: JSONValue;
      logLines: string[];
    }
  | {
      type: "ActionResponse";
      requestId: RequestId;
      success: false;
      result: string;
      errorData?: JSONValue;
      logLines: string[];
    }
  | { type: "AuthError"; error: string; baseVersion: number; authUpdateAttempted: boolean }
  | { type: "FatalError"; error: string }
  | { type: "Ping" };

// ---------------------------------------------------------------------------
// Parsing

/** A client broke the protocol: the session ends with a FatalError. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field<T>(
  message: Json,
  key: string,
  check: (value: unknown) => value is T,
  what: string,
): T {
  const value = message[key];
  if (!check(value)) {
    throw new ProtocolError(`${String(message.type)} message: "${key}" must be ${what}.`);
  }
  return value;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isVersion = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0;
const isArgs = (value: unknown): value is JSONValue[] => Array.isArray(value);
const isOptionalString = (value: unknown): value is string | undefined =>
  value === undefined || value === null || typeof value === "string";

function parseQueryModification(raw: unknown): AddQuery | RemoveQuery {
  if (!isObject(raw)) throw new ProtocolError("ModifyQuerySet: a modification must be an object.");
  if (raw.type === "Remove") {
    return { type: "Remove", queryId: field(raw, "queryId", isVersion, "a query id") };
  }
  if (raw.type !== "Add") {
    throw new ProtocolError(`ModifyQuerySet: unknown modification ${JSON.stringify(raw.type)}.`);
  }
  const componentPath = field(raw, "componentPath", isOptionalString, "a string");
  const journal = field(raw, "journal", isOptionalString, "a string or null");
  return {
    type: "Add",
    queryId: field(raw, "queryId", isVersion, "a query id"),
    udfPath: field(raw, "udfPath", isString, "a string"),
    args: field(raw, "args", isArgs, "an array"),
    ...(typeof journal === "string" ? { journal } : {}),
    ...(componentPath ? { componentPath } : {}),
  };
}

/** Parse one text frame from a client, or throw a ProtocolError saying what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError("A client message must be JSON.");
  }
  if (!isObject(raw)) throw new ProtocolError("A client message must be a JSON object.");
  switch (raw.type) {
    case "Connect": {
      const maxObservedTimestamp = field(raw, "maxObservedTimestamp", isOptionalString, "a string");
      const clientTs = raw.clientTs;
      return {
        type: "Connect",
        sessionId: field(raw, "sessionId", isString, "a string"),
        connectionCount: field(raw, "connectionCount", isVersion, "a count"),
        lastCloseReason: typeof raw.lastCloseReason === "string" ? raw.lastCloseReason : null,
        ...(maxObservedTimestamp ? { maxObservedTimestamp } : {}),
        ...(typeof clientTs === "number" ? { clientTs } : {}),
      };
    }
    case "ModifyQuerySet": {
      const modifications = field(raw, "modifications", Array.isArray, "an array");
      return {
        type: "ModifyQuerySet",
        baseVersion: field(raw, "baseVersion", isVersion, "a version"),
        newVersion: field(raw, "newVersion", isVersion, "a version"),
        modifications: modifications.map(parseQueryModification),
      };
    }
    case "Mutation":
    case "Action": {
      const componentPath = field(raw, "componentPath", isOptionalString, "a string");
      const request = {
        requestId: field(raw, "requestId", isVersion, "a request id"),
        udfPath: field(raw, "udfPath", isString, "a string"),
        args: field(raw, "args", isArgs, "an array"),
        ...(componentPath ? { componentPath } : {}),
      };
      return raw.type === "Mutation"
        ? { ...request, type: "Mutation" }
        : { ...request, type: "Action" };
    }
    case "Authenticate": {
      const baseVersion = field(raw, "baseVersion", isVersion, "a version");
      switch (raw.tokenType) {
        case "None":
          return { type: "Authenticate", tokenType: "None", baseVersion };
        case "User":
          return {
            type: "Authenticate",
            tokenType: "User",
            baseVersion,
            value: field(raw, "value", isString, "a string"),
          };
        case "Admin": {
          const impersonating = raw.impersonating ?? raw.actingAs;
          if (impersonating !== undefined && impersonating !== null && !isObject(impersonating)) {
            throw new ProtocolError("Authenticate: impersonating must be an object.");
          }
          return {
            type: "Authenticate",
            tokenType: "Admin",
            baseVersion,
            value: field(raw, "value", isString, "a string"),
            ...(impersonating ? { impersonating: impersonating as ImpersonatedIdentity } : {}),
          };
        }
        default:
          throw new ProtocolError(
            `Authenticate: unknown tokenType ${JSON.stringify(raw.tokenType)}.`,
          );
      }
    }
    case "Event":
      return {
        type: "Event",
        eventType: field(raw, "eventType", isString, "a string"),
        event: (raw.event ?? null) as JSONValue,
      };
    default:
      throw new ProtocolError(`Unknown client message type ${JSON.stringify(raw.type)}.`);
  }
}
