/**
 * Query journals: what keeps reactive pagination gapless.
 *
 * Convex hands a journal back with every query result and re-runs the query
 * with it. A journal holds one decision: where the query's paginated read
 * ended the first time (its end cursor). Re-running a page up to that same
 * cursor keeps its bounds, so a page grows or shrinks as documents come and
 * go inside it, instead of being re-cut to `numItems` and shifting documents
 * into (duplicates) or out of (gaps) the next page. `usePaginatedQuery`
 * relies on it, and sends the journal again when it re-subscribes.
 *
 * Convex applies the journal inside `.paginate()`, as the end cursor when the
 * call gives none. Here it is applied to the query's `paginationOpts`
 * argument, which is what every query `usePaginatedQuery` can drive passes to
 * `.paginate()`: convex-test's `paginate` honours `endCursor`, and the
 * engine's per-commit memo then tells journaled runs apart by their
 * arguments. A query that builds its options some other way is not journaled
 * (its pages are re-cut on every run, as before).
 */
import type { JSONValue, Value } from "convex/values";

import type { FunctionCall } from "./engine.js";
import type { QueryJournal } from "./protocol.js";

type PaginationOpts = { numItems: number; cursor: string | null; endCursor?: string | null };

function paginationOpts(args: Record<string, Value>): PaginationOpts | null {
  const opts = args.paginationOpts;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) return null;
  if (opts instanceof ArrayBuffer || typeof (opts as Record<string, Value>).numItems !== "number") {
    return null;
  }
  return opts as unknown as PaginationOpts;
}

/** The journal recording that a query's page ends at `endCursor`. */
export function encodeJournal(endCursor: string): string {
  return JSON.stringify({ endCursor });
}

/**
 * The end cursor a journal holds, or null. A journal this backend did not
 * write (another deployment's, or garbage) is ignored, as an empty one.
 */
export function journalEndCursor(journal: QueryJournal | undefined): string | null {
  if (typeof journal !== "string") return null;
  try {
    const parsed = JSON.parse(journal) as unknown;
    if (typeof parsed === "object" && parsed !== null && "endCursor" in parsed) {
      const { endCursor } = parsed;
      return typeof endCursor === "string" ? endCursor : null;
    }
  } catch {
    // Not ours.
  }
  return null;
}

/**
 * The call to run for a subscription holding `journal`: its page ends where
 * the journal says, unless the client chose an end itself (a split page).
 */
export function applyJournal(call: FunctionCall, journal: QueryJournal): FunctionCall {
  const endCursor = journalEndCursor(journal);
  const opts = paginationOpts(call.args);
  if (endCursor === null || opts === null || (opts.endCursor ?? null) !== null) return call;
  return { ...call, args: { ...call.args, paginationOpts: { ...opts, endCursor } } };
}

/**
 * The journal to hand back with `value`, the result of running `call`: the
 * end cursor in force if there was one (it stays put), otherwise where this
 * first run's page ended, its `continueCursor`. Queries without
 * `paginationOpts`, or that do not return a page, have an empty journal.
 */
export function nextJournal(call: FunctionCall, value: JSONValue): QueryJournal {
  const opts = paginationOpts(call.args);
  if (opts === null) return null;
  if (typeof opts.endCursor === "string") return encodeJournal(opts.endCursor);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { continueCursor, page } = value;
  if (typeof continueCursor !== "string" || !Array.isArray(page)) return null;
  return encodeJournal(continueCursor);
}
