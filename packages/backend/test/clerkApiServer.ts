/**
 * A loopback server speaking the part of Clerk's Backend API Parley calls:
 * `PATCH /v1/organizations/{organization_id}` with a JSON body (here,
 * `max_allowed_memberships`), authenticated by `Authorization: Bearer
 * sk_…`, answered with the updated `OrganizationJSON`. Unknown
 * organizations get Clerk's 404 error shape. Requests are recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CLERK_TEST_SECRET_KEY = "sk_test_parley_loopback";

export type ClerkApiRequest = {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
};

export async function startClerkApiServer(organizations: string[]) {
  const requests: ClerkApiRequest[] = [];
  const limits = new Map<string, number>(organizations.map((id) => [id, 5]));

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const clerkError = (code: string, message: string) => ({
    errors: [{ code, message, long_message: message }],
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({
        method: req.method ?? "",
        path,
        authorization: req.headers.authorization,
        body,
      });
      if (req.headers.authorization !== `Bearer ${CLERK_TEST_SECRET_KEY}`) {
        return send(res, 401, clerkError("authentication_invalid", "Unauthorized request"));
      }
      const match = path.match(/^\/v1\/organizations\/([^/]+)$/);
      if (req.method !== "PATCH" || !match) {
        return send(res, 404, clerkError("resource_not_found", "Not found"));
      }
      const id = decodeURIComponent(match[1]!);
      if (!limits.has(id)) return send(res, 404, clerkError("resource_not_found", "Not found"));
      if (typeof body.max_allowed_memberships === "number") {
        limits.set(id, body.max_allowed_memberships);
      }
      send(res, 200, {
        object: "organization",
        id,
        name: id,
        slug: id,
        max_allowed_memberships: limits.get(id),
        created_at: 1,
        updated_at: Date.now(),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    limits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
