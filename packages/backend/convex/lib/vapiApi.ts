/**
 * Calls to Vapi's REST API with the organization's private key, through
 * `@vapi-ai/server-sdk` (at `VAPI_API_URL`, Vapi's cloud by default), and
 * Vapi's failures turned into messages an admin can act on.
 *
 * Only actions call this (it is network I/O); the private key is decrypted
 * in the action, used for the request, and never returned.
 */
import { VapiClient, VapiError, VapiTimeoutError } from "@vapi-ai/server-sdk";

import { env } from "./env";
import { appError } from "./errors";

/** A client for one organization's Vapi account. No automatic retries: an admin is waiting. */
export function vapiClient(privateKey: string) {
  return new VapiClient({
    token: privateKey,
    baseUrl: env.vapiApiUrl(),
    maxRetries: 0,
    timeoutInSeconds: 20,
  });
}

/**
 * Vapi's REST call the SDK does not cover (2.0 has no credentials resource):
 * `POST /credential`, same base URL, same bearer key.
 */
export async function createWebhookCredential(
  privateKey: string,
  credential: { name: string; token: string },
): Promise<{ id: string }> {
  let response: Response;
  try {
    response = await fetch(`${env.vapiApiUrl()}/credential`, {
      method: "POST",
      headers: { authorization: `Bearer ${privateKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        provider: "webhook",
        name: credential.name,
        authenticationPlan: {
          type: "bearer",
          token: credential.token,
          headerName: "Authorization",
          bearerPrefixEnabled: true,
        },
      }),
    });
  } catch (error) {
    throw vapiFailure(error);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw vapiFailure(new VapiError({ statusCode: response.status, body }));
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== "string") throw appError("INTERNAL", "Vapi answered without a credential id.");
  return { id };
}

/** Vapi's own words for a failure, when it gave any (its errors carry `message`, a string or a list). */
function vapiMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("message" in body)) return null;
  const message = body.message;
  if (typeof message === "string") return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === "string").join("; ");
  return null;
}

/**
 * The ConvexError an admin sees for a failed Vapi call: a refused key, Vapi's
 * rate limit, Vapi being unreachable, or Vapi rejecting what was sent.
 */
export function vapiFailure(error: unknown) {
  if (error instanceof VapiTimeoutError) {
    return appError("INTERNAL", "Vapi did not answer in time. Please try again.");
  }
  if (error instanceof VapiError && error.statusCode !== undefined) {
    const status = error.statusCode;
    if (status === 401 || status === 403) {
      return appError(
        "INVALID_INPUT",
        "Vapi did not accept this private key. Copy it again from the Vapi dashboard (API Keys → Private key).",
      );
    }
    if (status === 429) {
      return appError(
        "RATE_LIMITED",
        "Vapi is limiting requests right now. Please wait a minute and try again.",
      );
    }
    if (status >= 500) {
      return appError("INTERNAL", `Vapi had a problem (HTTP ${status}). Please try again later.`);
    }
    const detail = vapiMessage(error.body);
    return appError(
      "INVALID_INPUT",
      `Vapi refused the request${detail ? `: ${detail}` : ` (HTTP ${status})`}.`,
    );
  }
  // No status: the request never got an answer (DNS, refused connection, TLS).
  console.warn("Vapi request failed", error);
  return appError("INTERNAL", "Could not reach Vapi. Check the connection and try again.");
}

/** Run one Vapi request, turning any failure into `vapiFailure`'s message. */
export async function callVapi<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw vapiFailure(error);
  }
}
