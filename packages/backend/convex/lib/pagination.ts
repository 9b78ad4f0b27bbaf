/**
 * Page sizes of client-callable paginated functions.
 *
 * `paginationOptsValidator` lets the client choose `numItems`, and a page is
 * read (and returned, and kept in a subscription) whole, so an unbounded
 * size is an unbounded read. Every builder in `functions.ts` passes a
 * `paginationOpts` argument through `boundedPage` before the handler sees it:
 * a size above `MAX_PAGE_SIZE` is clamped (the client gets a full page and a
 * cursor for the rest, which `usePaginatedQuery`'s `loadMore(n)` follows
 * anyway), and a size that is not a positive whole number is refused with
 * INVALID_INPUT. Clamping rather than refusing keeps a client that asks for
 * too much working.
 */
import { paginationOptsValidator, type PaginationOptions } from "convex/server";

import { appError } from "./errors";

/** The most items a client gets in one page. */
export const MAX_PAGE_SIZE = 100;

/** The `paginationOpts` argument of a paginated function; the builders bound it (`boundedPage`). */
export const vPaginationOpts = paginationOptsValidator;

/** `opts` with `numItems` clamped to `MAX_PAGE_SIZE`; refuses a size below 1 or not whole. */
export function boundedPage<Opts extends PaginationOptions>(opts: Opts): Opts {
  const { numItems } = opts;
  if (!Number.isInteger(numItems) || numItems < 1) {
    throw appError("INVALID_INPUT", "The page size must be a whole number of at least 1.");
  }
  return numItems > MAX_PAGE_SIZE ? { ...opts, numItems: MAX_PAGE_SIZE } : opts;
}

/** `args` with its `paginationOpts`, if any, bounded. */
export function withBoundedPage<Args extends Record<string, unknown>>(args: Args): Args {
  const opts = args.paginationOpts as PaginationOptions | undefined;
  if (opts === undefined || typeof opts !== "object" || opts === null) return args;
  return { ...args, paginationOpts: boundedPage(opts) };
}
