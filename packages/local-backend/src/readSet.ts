/**
 * Read sets: what a query execution read, so that the engine knows which
 * commits can change its result (and which cannot), as Convex does.
 *
 * A query reaches the database only through syscalls (syscalls.ts layers
 * itself over convex-test's). While the engine runs a query inside
 * `collectReads`, every data-reading syscall is recorded here:
 *
 * - `1.0/get` and `ctx.storage.getUrl`: the document id;
 * - `1.0/queryStream` and `1.0/queryPage`: the index range the query
 *   scans (its whole range, ignoring cursors and limits, which only makes
 *   the set larger), and the id of every document it was handed;
 * - a full table scan, a search query and `1.0/count`: the whole table.
 *
 * A committed write can change the result only if the document's id was
 * read, its table was read whole, or its new version lies in a read range.
 * A document that leaves a range (updated away or deleted) was either
 * handed to the query, so its id is in the set, or lay past the documents
 * the query took or was filtered out, and then its leaving changes nothing.
 * Component tables are matched by name and id alone, which can only match
 * more than needed, never less.
 *
 * The collector is found through an AsyncLocalStorage kept on `globalThis`:
 * a test runner may load this module once per test file, while the syscall
 * bridge installed on the global stays.
 */
import { AsyncLocalStorage } from "node:async_hooks";

import { compareValues, jsonToConvex, type JSONValue, type Value } from "convex/values";

type RangeExpression = {
  type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte";
  fieldPath: string;
  value: Value | undefined;
};

type RangeRead = { table: string; range: RangeExpression[] };

/** A write as the commit hook reports it: the document's new version, or null when deleted. */
export type DocumentWrite = { id: string; value: Record<string, unknown> | null };

/** The table of a convex-test document id (a counter followed by the table name). */
export function tableOfId(id: string): string {
  return id.replace(/^[0-9]+/, "");
}

function fieldValue(document: Record<string, unknown>, fieldPath: string): unknown {
  let value: unknown = document;
  for (const part of fieldPath.split(".")) {
    value =
      typeof value === "object" && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value;
}

function inRange(document: Record<string, unknown>, expression: RangeExpression): boolean {
  const order = compareValues(
    fieldValue(document, expression.fieldPath) as Value | undefined,
    expression.value,
  );
  switch (expression.type) {
    case "Eq":
      return order === 0;
    case "Gt":
      return order > 0;
    case "Gte":
      return order >= 0;
    case "Lt":
      return order < 0;
    case "Lte":
      return order <= 0;
  }
}

/** A range bound as the query syscalls encode it (`{ $undefined: null }` is undefined). */
function rangeValue(json: JSONValue): Value | undefined {
  if (typeof json === "object" && json !== null && !Array.isArray(json) && "$undefined" in json) {
    return undefined;
  }
  return jsonToConvex(json);
}

/** Everything one query execution read. */
export class ReadSet {
  private readonly ids = new Set<string>();
  private readonly tables = new Set<string>();
  private readonly ranges: RangeRead[] = [];
  /** The database timestamp the query read at (its transaction's snapshot), once it read anything. */
  ts: bigint | null = null;

  /** How many distinct documents the query was handed or fetched by id (for benches). */
  get documentCount(): number {
    return this.ids.size;
  }

  /** The tables the query read whole (a scan or a search), which costs more than any count says. */
  get wholeTables(): string[] {
    return [...this.tables];
  }

  /** Whether nothing was read: the result cannot change. */
  get empty(): boolean {
    return this.ids.size === 0 && this.tables.size === 0 && this.ranges.length === 0;
  }

  /** Whether `write` can change what was read. */
  touchedBy(write: DocumentWrite): boolean {
    if (this.ids.has(write.id)) return true;
    const table = tableOfId(write.id);
    if (this.tables.has(table)) return true;
    const document = write.value;
    if (document === null) return false;
    return this.ranges.some(
      (read) => read.table === table && read.range.every((bound) => inRange(document, bound)),
    );
  }

  document(id: unknown): void {
    if (typeof id === "string") this.ids.add(id);
  }

  table(table: unknown): void {
    if (typeof table === "string") this.tables.add(table);
  }

  /** A query's source (`{ type: "IndexRange" | "FullTableScan" | "Search", … }`). */
  source(source: unknown): void {
    const read = source as {
      type?: string;
      tableName?: string;
      indexName?: string;
      range?: { type: RangeExpression["type"]; fieldPath: string; value: JSONValue }[];
    };
    if (read.type === "IndexRange" && read.indexName && Array.isArray(read.range)) {
      this.ranges.push({
        table: read.indexName.split(".")[0]!,
        range: read.range.map((bound) => ({
          type: bound.type,
          fieldPath: bound.fieldPath,
          value: rangeValue(bound.value),
        })),
      });
      return;
    }
    // A full scan or a search: any change to the table may matter.
    this.table(read.tableName ?? read.indexName?.split(".")[0]);
  }
}

const COLLECTOR = Symbol.for("@parley/local-backend/read-collector");
const collectors = ((globalThis as { [COLLECTOR]?: AsyncLocalStorage<ReadSet> })[COLLECTOR] ??=
  new AsyncLocalStorage<ReadSet>());

/** Run `fn` (a query execution) recording what it reads into `reads`. */
export function collectReads<T>(reads: ReadSet, fn: () => Promise<T>): Promise<T> {
  return collectors.run(reads, fn);
}

function documentId(json: unknown): unknown {
  return typeof json === "object" && json !== null ? (json as { _id?: unknown })._id : undefined;
}

/**
 * Called by the syscall bridge for each syscall of the running function;
 * `snapshotTs` reads the transaction's timestamp (the syscall itself). Returns
 * a function to call with the syscall's result, or null when nothing is collected.
 */
export function recordSyscall(
  op: string,
  jsonArgs: string,
  snapshotTs: () => bigint,
): ((jsonResult: string) => void) | null {
  const reads = collectors.getStore();
  if (!reads) return null;
  const args = JSON.parse(jsonArgs) as Record<string, unknown>;
  const before = () => {
    // Queries run one at a time under convex-test's lock, so the clock cannot move while one runs.
    reads.ts ??= snapshotTs();
  };
  switch (op) {
    case "1.0/get":
      before();
      reads.document(args.id);
      return null;
    case "1.0/storageGetUrl":
      before();
      reads.document(args.storageId);
      return null;
    case "1.0/count":
      before();
      reads.table(args.table);
      return null;
    case "1.0/queryStream":
      before();
      reads.source((args.query as { source?: unknown } | undefined)?.source);
      return null;
    case "1.0/queryStreamNext":
      return (jsonResult) =>
        reads.document(documentId((JSON.parse(jsonResult) as { value?: unknown }).value));
    case "1.0/queryPage":
      before();
      reads.source((args.query as { source?: unknown } | undefined)?.source);
      return (jsonResult) => {
        const { page } = JSON.parse(jsonResult) as { page?: unknown[] };
        for (const document of page ?? []) reads.document(documentId(document));
      };
    default:
      return null;
  }
}
