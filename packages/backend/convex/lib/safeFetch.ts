"use node";
/**
 * Fetching a page an admin asked to import, without letting the URL reach
 * inside the network Parley runs in (server-side request forgery).
 *
 * Security decision: every address a host name resolves to is checked
 * *inside the connection's own DNS lookup* (the `lookup` option of
 * `node:http`), so the address checked is the address connected to: a host
 * that resolves to a public address when checked and to 127.0.0.1 when
 * connecting (DNS rebinding) is refused too. Literal IP addresses are
 * checked before connecting. Redirects are followed by hand, at most
 * `MAX_REDIRECTS`, each hop checked the same way. Only addresses that
 * ipaddr.js classifies as public `unicast` are allowed; private, loopback,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * multicast, reserved and IPv4-mapped forms of those are refused. In local
 * mode (`allowLoopback`) loopback is allowed, so the local stack and tests
 * can import pages from a server on this machine; nothing else is.
 *
 * Node.js runtime (`"use node"`): DNS and raw HTTP are not in Convex's.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

import ipaddr from "ipaddr.js";

/** A reason a URL cannot be fetched, worded for the person who added it. */
export class FetchRefused extends Error {}

export type FetchOptions = {
  allowLoopback: boolean;
  /** Bodies larger than this are refused. */
  maxBytes: number;
  timeoutMs?: number;
};

export type FetchedPage = { url: string; contentType: string; body: Uint8Array };

const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 15_000;

/** Whether a connection to `address` is allowed. */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === "unicast" || (allowLoopback && range === "loopback");
}

function refuseAddress(host: string): FetchRefused {
  return new FetchRefused(
    `${host} is a private or local address. Only public web pages can be imported.`,
  );
}

function checkedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.find((entry) => !isAllowedAddress(entry.address, allowLoopback));
      if (refused || addresses.length === 0) return callback(refuseAddress(hostname), "", 0);
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Parse and vet a URL an admin typed: http(s) only, no credentials, a literal IP must be public. */
export function parsePublicUrl(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefused("This is not a web address. It must start with http:// or https://.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new FetchRefused("Only http:// and https:// addresses can be imported.");
  }
  if (url.username || url.password) {
    throw new FetchRefused("Addresses with a user name or password cannot be imported.");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host) && !isAllowedAddress(host, allowLoopback)) throw refuseAddress(host);
  if (!allowLoopback && /(^|\.)localhost$/i.test(host)) throw refuseAddress(host);
  return url;
}

function requestOnce(url: URL, options: FetchOptions) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Uint8Array }>(
    (resolve, reject) => {
      const client = url.protocol === "https:" ? https : http;
      const request = client.get(
        url,
        {
          lookup: checkedLookup(options.allowLoopback),
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          headers: {
            "user-agent": "ParleyKnowledgeBot/1.0 (+https://github.com/parley)",
            accept:
              "text/html,application/xhtml+xml,application/xml,text/xml,text/markdown,text/plain,application/pdf;q=0.9,*/*;q=0.5",
            "accept-encoding": "identity",
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxBytes) {
              request.destroy(
                new FetchRefused(
                  `The page is larger than ${Math.round(options.maxBytes / 1024 / 1024)} MB.`,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: new Uint8Array(Buffer.concat(chunks)),
            }),
          );
          response.on("error", reject);
        },
      );
      request.on("timeout", () =>
        request.destroy(new FetchRefused("The site took too long to answer.")),
      );
      request.on("error", reject);
    },
  );
}

/**
 * GET `raw` and return its body, following redirects, each hop to a public
 * address only (see the header). Throws `FetchRefused` with a reason a
 * person understands.
 */
export async function fetchPublic(raw: string, options: FetchOptions): Promise<FetchedPage> {
  let url = parsePublicUrl(raw, options.allowLoopback);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response;
    try {
      response = await requestOnce(url, options);
    } catch (error) {
      if (error instanceof FetchRefused) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
        throw new FetchRefused(`${url.hostname} could not be found. Check the address.`);
      }
      throw new FetchRefused(`The site could not be reached (${code ?? String(error)}).`);
    }
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      url = parsePublicUrl(new URL(location, url).toString(), options.allowLoopback);
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      throw new FetchRefused(`The site answered ${response.status} for ${url.toString()}.`);
    }
    return {
      url: url.toString(),
      contentType: String(response.headers["content-type"] ?? ""),
      body: response.body,
    };
  }
  throw new FetchRefused(`The address redirects more than ${MAX_REDIRECTS} times.`);
}
