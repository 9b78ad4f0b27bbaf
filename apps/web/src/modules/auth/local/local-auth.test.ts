import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { createLocalJWKSet, decodeJwt, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";

import { GET as getDirectory, POST as postDirectory } from "~/app/api/local-auth/directory/route";
import { GET as getJwks } from "~/app/api/local-auth/jwks/route";
import {
  DELETE as removeMember,
  GET as getMembers,
  PATCH as changeRole,
  POST as addMember,
} from "~/app/api/local-auth/members/route";
import {
  DELETE as signOut,
  GET as getSession,
  POST as signIn,
} from "~/app/api/local-auth/session/route";
import { GET as getToken } from "~/app/api/local-auth/token/route";
import { POST as simulateBilling } from "~/app/api/local-billing/route";

import { LocalDirectory } from "./directory";
import { signingKey } from "./keys";
import { readSession, signSession } from "./tokens";

const ISSUER = "http://localhost:3000/api/local-auth";
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "parley-local-auth-"));
  vi.stubEnv("PARLEY_DATA_DIR", dataDir);
  vi.stubEnv("PARLEY_LOCAL_AUTH", "");
  vi.stubEnv("NODE_ENV", "development");
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

const DASHBOARD = "http://localhost:3000";
const url = (route: string) => `${DASHBOARD}/api/local-auth/${route}`;
/** A call the dashboard's own pages make: same origin, a JSON body. */
const json = (route: string, body: unknown, cookie?: string, method = "POST") =>
  new NextRequest(url(route), {
    method,
    body: JSON.stringify(body),
    headers: {
      "Content-Type": "application/json",
      Origin: DASHBOARD,
      ...(cookie ? { cookie } : {}),
    },
  });
const get = (route: string, cookie?: string) =>
  new NextRequest(url(route), { headers: cookie ? { cookie } : {} });

async function createAdmin() {
  const { user } = (await (
    await postDirectory(
      json("directory", { type: "user", name: "Ada Admin", email: "Ada@Acme.test" }),
    )
  ).json()) as { user: { id: string } };
  const { organization } = (await (
    await postDirectory(
      json("directory", { type: "organization", name: "Acme Inc", ownerUserId: user.id }),
    )
  ).json()) as { organization: { id: string } };
  return { userId: user.id, organizationId: organization.id };
}

describe("local sign-in, end to end through the route handlers", () => {
  test("sign in, get a Convex token that verifies against the published JWKS, sign out", async () => {
    const { userId, organizationId } = await createAdmin();

    const signedIn = await signIn(json("session", { userId, organizationId }));
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^parley_local_session=/);
    expect(signedIn.headers.get("set-cookie")).toMatch(/HttpOnly/i);

    const session = (await (await getSession(get("session", cookie))).json()) as {
      member: { role: string; organization: { name: string } };
    };
    expect(session.member).toMatchObject({ role: "admin", organization: { name: "Acme Inc" } });

    const { token } = (await (await getToken(get("token", cookie))).json()) as { token: string };
    const jwks = createLocalJWKSet((await (await getJwks()).json()) as { keys: [] });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: ISSUER,
      audience: "convex",
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: userId,
      name: "Ada Admin",
      email: "ada@acme.test",
      org_id: organizationId,
      org_role: "org:admin",
      org_slug: "acme-inc",
      org_name: "Acme Inc",
    });
    expect(payload.exp! - payload.iat!).toBe(3600);

    const out = signOut(json("session", {}, cookie, "DELETE"));
    expect(out.headers.get("set-cookie")).toMatch(/parley_local_session=;/);
    expect((await getToken(get("token"))).status).toBe(401);
  });

  test("the token follows role changes in the directory", async () => {
    const { userId: adminId, organizationId } = await createAdmin();
    const { user } = (await (
      await postDirectory(
        json("directory", { type: "user", name: "Olga Operator", email: "olga@acme.test" }),
      )
    ).json()) as { user: { id: string } };
    await postDirectory(
      json("directory", { type: "membership", userId: user.id, organizationId, role: "operator" }),
    );
    const cookie = (await signIn(json("session", { userId: user.id, organizationId }))).headers
      .get("set-cookie")!
      .split(";")[0]!;
    const tokenRole = async () => {
      const { token } = (await (await getToken(get("token", cookie))).json()) as { token: string };
      return decodeJwt(token).org_role;
    };
    expect(await tokenRole()).toBe("org:member");
    await postDirectory(
      json("directory", { type: "membership", userId: user.id, organizationId, role: "admin" }),
    );
    expect(await tokenRole()).toBe("org:admin");
    expect(adminId).not.toBe(user.id);
  });

  test("refuses to sign in someone who is not a member, and bad directory input", async () => {
    const { organizationId } = await createAdmin();
    const stranger = await signIn(json("session", { userId: "user_nobody", organizationId }));
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toEqual({
      error: "That user is not a member of that organization.",
    });

    const bad = [
      [{ type: "user", name: "", email: "a@b.co" }, "Name cannot be empty."],
      [{ type: "user", name: "Bob", email: "nope" }, "Please enter a valid email address."],
      [
        { type: "user", name: "Ada again", email: "ada@acme.test" },
        "ada@acme.test already has an account: pick it from the list.",
      ],
      [
        { type: "organization", name: "X", ownerUserId: "user_nobody" },
        "Pick the user who owns the new organization.",
      ],
      [
        { type: "membership", userId: "u", organizationId, role: "owner" },
        'Role must be "admin" or "operator".',
      ],
      [
        { type: "teapot" },
        'Expected a JSON body with type "user", "organization" or "membership".',
      ],
    ] as const;
    for (const [body, error] of bad) {
      const response = await postDirectory(json("directory", body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error });
    }
    const directory = (await (await getDirectory(get("directory"))).json()) as {
      users: unknown[];
      organizations: unknown[];
    };
    expect(directory.users).toHaveLength(1);
    expect(directory.organizations).toHaveLength(1);
  });

  test("is never served in production, even when PARLEY_LOCAL_AUTH=on asks for it", async () => {
    const { userId, organizationId } = await createAdmin();
    const cookie = (await signIn(json("session", { userId, organizationId }))).headers
      .get("set-cookie")!
      .split(";")[0]!;
    for (const flag of ["", "on"]) {
      vi.stubEnv("NODE_ENV", "production");
      vi.stubEnv("PARLEY_LOCAL_AUTH", flag);
      expect((await getJwks()).status).toBe(404);
      expect((await getToken(get("token", cookie))).status).toBe(404);
      expect((await getDirectory(get("directory"))).status).toBe(404);
      const signedIn = await signIn(json("session", { userId, organizationId }));
      expect(signedIn.status).toBe(404);
      expect(signedIn.headers.get("set-cookie")).toBeNull();
      expect((await simulateBilling(json("x", { plan: "pro" }, cookie))).status).toBe(404);
    }
    vi.stubEnv("NODE_ENV", "development");
    vi.stubEnv("PARLEY_LOCAL_AUTH", "off");
    expect((await getJwks()).status).toBe(404);
  });

  test("is switched off whenever Clerk is configured, even when asked for", async () => {
    vi.stubEnv("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "pk_test_Y2xlcmsuZXhhbXBsZS5jb20k");
    vi.stubEnv("PARLEY_LOCAL_AUTH", "on");
    vi.resetModules();
    const jwks = await import("~/app/api/local-auth/jwks/route");
    const token = await import("~/app/api/local-auth/token/route");
    expect((await jwks.GET()).status).toBe(404);
    expect((await token.GET(get("token"))).status).toBe(404);
    vi.resetModules();
  });
});

describe("requests from anywhere but the dashboard's own pages", () => {
  const from = (origin: string | null, contentType = "application/json") =>
    ({
      ...(origin === null ? {} : { Origin: origin }),
      "Content-Type": contentType,
    }) as Record<string, string>;
  const request = (
    route: string,
    method: string,
    headers: Record<string, string>,
    body?: unknown,
  ) =>
    new NextRequest(url(route), {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  test("a sign-in posted by another origin, or without one, is refused and sets no cookie", async () => {
    const { userId, organizationId } = await createAdmin();
    for (const headers of [
      from("https://evil.example"),
      from("http://localhost:3000.evil.example"),
      from(null),
      { ...from(DASHBOARD), "Sec-Fetch-Site": "cross-site" },
    ]) {
      const response = await signIn(
        request("session", "POST", headers, { userId, organizationId }),
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: "Cross-origin request refused." });
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    // A form post (no JSON content type) is refused even from the dashboard's origin.
    const form = await signIn(
      request("session", "POST", from(DASHBOARD, "text/plain"), { userId, organizationId }),
    );
    expect(form.status).toBe(415);
    expect(form.headers.get("set-cookie")).toBeNull();
    // The dashboard's own request still works.
    expect((await signIn(json("session", { userId, organizationId }))).status).toBe(200);
  });

  test("no route changes anything or hands out a token for another site", async () => {
    const { userId, organizationId } = await createAdmin();
    const cookie = (await signIn(json("session", { userId, organizationId }))).headers
      .get("set-cookie")!
      .split(";")[0]!;
    const evil = { ...from("https://evil.example"), cookie };
    const before = (await (await getDirectory(get("directory"))).json()) as unknown;

    expect(
      (
        await postDirectory(
          request("directory", "POST", evil, {
            type: "user",
            name: "Eve",
            email: "eve@evil.example",
          }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await addMember(
          request("members", "POST", evil, { name: "Eve", email: "e@evil.example", role: "admin" }),
        )
      ).status,
    ).toBe(403);
    expect(
      (await changeRole(request("members", "PATCH", evil, { userId, role: "operator" }))).status,
    ).toBe(403);
    expect((await removeMember(request("members", "DELETE", evil, { userId }))).status).toBe(403);
    expect(signOut(request("session", "DELETE", evil, {})).status).toBe(403);
    expect(
      (
        await simulateBilling(
          new NextRequest(`${DASHBOARD}/api/local-billing`, {
            method: "POST",
            headers: evil,
            body: JSON.stringify({ plan: "pro" }),
          }),
        )
      ).status,
    ).toBe(403);
    expect(await (await getDirectory(get("directory"))).json()).toEqual(before);

    // A page on another site cannot fetch a token with the member's cookie either.
    const crossSite = new NextRequest(url("token"), {
      headers: { cookie, "Sec-Fetch-Site": "cross-site" },
    });
    expect((await getToken(crossSite)).status).toBe(403);
    const sameOrigin = new NextRequest(url("token"), {
      headers: { cookie, "Sec-Fetch-Site": "same-origin" },
    });
    expect((await getToken(sameOrigin)).status).toBe(200);
  });
});

describe("the Members page's routes", () => {
  const send = (method: string, body: unknown, cookie: string) =>
    new NextRequest(url("members"), {
      method,
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Origin: DASHBOARD, cookie },
    });
  const cookieOf = async (userId: string, organizationId: string) =>
    (await signIn(json("session", { userId, organizationId }))).headers
      .get("set-cookie")!
      .split(";")[0]!;
  type Listing = {
    members: { user: { id: string; name: string }; role: string }[];
    candidates: { id: string }[];
  };

  test("an admin adds a new user as operator, promotes them, and cannot demote the last admin", async () => {
    const { userId: adminId, organizationId } = await createAdmin();
    const admin = await cookieOf(adminId, organizationId);

    const added = await addMember(
      send("POST", { name: "Nia New", email: "nia@acme.test", role: "operator" }, admin),
    );
    expect(added.status).toBe(200);
    const { user } = (await added.json()) as { user: { id: string } };
    let listing = (await (await getMembers(get("members", admin))).json()) as Listing;
    expect(listing.members.map((m) => [m.user.name, m.role])).toEqual([
      ["Ada Admin", "admin"],
      ["Nia New", "operator"],
    ]);
    expect(listing.candidates).toEqual([]);

    // The only admin stays an admin.
    const demote = await changeRole(send("PATCH", { userId: adminId, role: "operator" }, admin));
    expect(demote.status).toBe(400);
    expect(await demote.json()).toEqual({
      error: "Ada Admin is the organization's only admin. Make someone else an admin first.",
    });
    const removeSelf = await removeMember(send("DELETE", { userId: adminId }, admin));
    expect(removeSelf.status).toBe(403);

    expect(
      (await changeRole(send("PATCH", { userId: user.id, role: "admin" }, admin))).status,
    ).toBe(200);
    // Now Nia can demote Ada, and then Nia is the one who must stay.
    const nia = await cookieOf(user.id, organizationId);
    expect(
      (await changeRole(send("PATCH", { userId: adminId, role: "operator" }, nia))).status,
    ).toBe(200);
    listing = (await (await getMembers(get("members", nia))).json()) as Listing;
    expect(listing.members.map((m) => m.role)).toEqual(["operator", "admin"]);
    // Ada's next token says operator, and she can no longer change anything.
    expect((await removeMember(send("DELETE", { userId: user.id }, admin))).status).toBe(403);
    expect((await removeMember(send("DELETE", { userId: adminId }, nia))).status).toBe(200);
    listing = (await (await getMembers(get("members", nia))).json()) as Listing;
    expect(listing.members.map((m) => m.user.name)).toEqual(["Nia New"]);
    expect(listing.candidates.map((c) => c.id)).toEqual([adminId]);
  });

  test("an admin adds an existing user once; operators and strangers change nothing", async () => {
    const { userId: adminId, organizationId } = await createAdmin();
    const { user } = (await (
      await postDirectory(
        json("directory", { type: "user", name: "Olga", email: "olga@acme.test" }),
      )
    ).json()) as { user: { id: string } };
    const admin = await cookieOf(adminId, organizationId);
    expect(
      (await addMember(send("POST", { userId: user.id, role: "operator" }, admin))).status,
    ).toBe(200);
    const again = await addMember(send("POST", { userId: user.id, role: "operator" }, admin));
    expect(await again.json()).toEqual({ error: "Olga is already a member." });

    const olga = await cookieOf(user.id, organizationId);
    const refused = await changeRole(send("PATCH", { userId: user.id, role: "admin" }, olga));
    expect(refused.status).toBe(403);
    expect(((await (await getMembers(get("members", olga))).json()) as Listing).candidates).toEqual(
      [],
    );
    expect((await getMembers(get("members"))).status).toBe(401);
  });
});

describe("local identity provider internals", () => {
  test("the signing key survives a restart (same kid from the stored file)", async () => {
    const key = await signingKey(dataDir);
    const stored = JSON.parse(
      readFileSync(path.join(dataDir, "local-auth", "signing-key.json"), "utf8"),
    ) as {
      publicJwk: { kid: string };
    };
    expect(stored.publicJwk.kid).toBe(key.publicJwk.kid);
  });

  test("a forged or expired session cookie is no session", async () => {
    const key = await signingKey(dataDir);
    const valid = await signSession(key, ISSUER, "user_1", "org_1");
    expect(await readSession(key, ISSUER, valid)).toEqual({
      userId: "user_1",
      organizationId: "org_1",
    });

    const other = await generateKeyPair("RS256");
    const forged = await new SignJWT({ org: "org_1" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(ISSUER)
      .setSubject("user_1")
      .setAudience("parley-local-session")
      .setExpirationTime("1h")
      .sign(other.privateKey);
    expect(await readSession(key, ISSUER, forged)).toBeNull();

    const expired = await new SignJWT({ org: "org_1" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(ISSUER)
      .setSubject("user_1")
      .setAudience("parley-local-session")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(key.privateKey);
    expect(await readSession(key, ISSUER, expired)).toBeNull();
    expect(await readSession(key, ISSUER, undefined)).toBeNull();
  });

  test("concurrent directory writes are all kept", async () => {
    const directory = new LocalDirectory(dataDir);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        directory.createUser({ name: `User ${i}`, email: `u${i}@x.test` }),
      ),
    );
    expect((await directory.read()).users).toHaveLength(10);
  });
});
