/**
 * The setup every test file that drives a running server repeats: a local
 * identity provider the functions trust, and the clients and backends the
 * file opens, all closed after its tests (then `cleanup`, e.g. removing temp
 * directories the backends wrote to). Kept apart from support.ts, which the
 * benchmarks import outside vitest.
 */
import { ConvexClient } from "convex/browser";
import { afterAll, beforeAll } from "vitest";

import type { LocalBackend } from "../src/index.js";
import { createIssuer, trustIssuer, type Issuer } from "./support.js";

export function useServerTests(options: { cleanup?: () => Promise<void> } = {}) {
  let issuer: Issuer | undefined;
  const clients: ConvexClient[] = [];
  const backends: LocalBackend[] = [];

  beforeAll(async () => {
    issuer = await createIssuer();
    trustIssuer(issuer.jwksDataUri);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(backends.map((backend) => backend.close()));
    await options.cleanup?.();
  });

  return {
    /** The trusted issuer (available once `beforeAll` ran). */
    get issuer(): Issuer {
      if (!issuer) throw new Error("the issuer exists once beforeAll has run");
      return issuer;
    },
    /** A client of `url`, closed after the file's tests. */
    connect: (url: string): ConvexClient => {
      const client = new ConvexClient(url, { logger: false });
      clients.push(client);
      return client;
    },
    /** Close `backend` after the file's tests. */
    track: (backend: LocalBackend): LocalBackend => {
      backends.push(backend);
      return backend;
    },
  };
}
