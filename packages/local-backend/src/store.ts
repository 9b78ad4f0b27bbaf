/**
 * The data directory: what makes the local backend's database survive a
 * restart, including `kill -9` in the middle of writes.
 *
 *   <dir>/LOCK                  pid of the process using the directory
 *   <dir>/snapshot.json         every component's documents as of commit `ts`
 *   <dir>/log/<n>.log           commit records after that, oldest segment first (wal.ts framing)
 *   <dir>/files/<component>/<storage id>[.type]   file storage contents (and content type)
 *
 * Every top-level commit appends one record (its writes and the ID counters)
 * to the current log segment. Records are written and fsync'd in batches (a
 * group commit), and `durable()` resolves once everything appended before
 * it is on disk: the engine waits for it before acknowledging a mutation or
 * showing anyone a commit.
 *
 * A snapshot is the whole state written beside the log (temp file, fsync,
 * rename), after which the segments it covers are deleted. Appends move to a
 * new segment at the instant the state is exported, so every older segment is
 * covered by the snapshot; records also carry their commit timestamp, and
 * start-up skips those at or before the snapshot's. A crash at any step thus
 * leaves either the old snapshot with all the segments, or the new one with
 * some already-covered segments.
 *
 * A client's mutation also logs its answer, keyed by the client's session and
 * request id, in the same record as its writes (sessionRequests.ts): a resend
 * after a crash is answered from it instead of running again. The snapshot
 * keeps the recent answers too.
 */
import { constants, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, truncate, writeFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";

import type { CommitEvent, DatabaseState } from "convex-test";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";

import { SessionRequests, type RecordedMutation, type StoredRequest } from "./sessionRequests.js";
import { decodeSegment, encodeRecord } from "./wal.js";

const FORMAT = "parley-local-backend/1";
const SNAPSHOT = "snapshot.json";
const LOG_DIR = "log";
const FILES_DIR = "files";
const SEGMENT = /^(\d{12})\.log$/;

/** Default: snapshot and compact once the log holds this many bytes. */
export const DEFAULT_SNAPSHOT_BYTES = 16 * 1024 * 1024;

type Document = Record<string, Value>;

/** A commit as it is logged: documents as Convex JSON. */
type CommitRecord = {
  ts: string;
  /** [component path, document id, new document or null when deleted] */
  writes: [string, string, JSONValue | null][];
  /** Per component: [next document id counter, last creation time]. */
  counters: Record<string, [number, number]>;
  /** A client's mutation: [session id, request id, its result], to answer a resend. */
  request?: [string, number, JSONValue];
};

/** Which client's mutation a commit is, and what it returned. */
export type MutationRequest = { sessionId: string; requestId: number; result: JSONValue };

type ComponentSnapshot = { nextDocId: number; lastCreationTime: number; documents: JSONValue[] };
type SnapshotFile = {
  format: string;
  ts: string;
  components: Record<string, ComponentSnapshot>;
  /** Recent answers to clients' mutations (absent in snapshots of older versions). */
  requests?: StoredRequest[];
};

type RecoveredComponent = {
  documents: Map<string, Document>;
  nextDocId: number;
  lastCreationTime: number;
};

export type Recovery = {
  /** The state to import into convex-test (documents, counters, files, clock). */
  state: DatabaseState;
  /** Log records replayed on top of the snapshot. */
  replayed: number;
  /** Bytes of torn records dropped from the end of the log. */
  droppedBytes: number;
  /** Components with stored data that the app no longer installs (not loaded; the next snapshot drops them). */
  unknownComponents: string[];
  /** Answers to clients' mutations, from the snapshot and the log. */
  requests: SessionRequests;
};

export type StoreOptions = {
  /** Snapshot once the log grows by this many bytes. Default 16 MiB. */
  snapshotBytes?: number;
  /** Reports failures of background work (snapshots). */
  onError: (message: string, error: unknown) => void;
};

/** Convex's documents reach disk as Convex JSON, which keeps bigints, bytes and special floats. */
function encodeDocument(document: Record<string, unknown>): JSONValue {
  return convexToJson(document as Value);
}

function decodeDocument(json: JSONValue): Document {
  return jsonToConvex(json) as Document;
}

function segmentName(index: number): string {
  return `${String(index).padStart(12, "0")}.log`;
}

/** The directory holding a component's files: the app's is `_app`. */
function componentDir(componentPath: string): string {
  return componentPath === "" ? "_app" : encodeURIComponent(componentPath);
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directories this process holds the lock of (a pid alone cannot tell two engines of one process apart). */
const heldLocks = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take `<dir>/LOCK`, or fail naming the live process that holds it. A dead holder's lock is taken over. */
async function lock(dir: string): Promise<string> {
  const file = path.join(dir, "LOCK");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      heldLocks.add(file);
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    const stale =
      !Number.isInteger(pid) || (pid === process.pid ? !heldLocks.has(file) : !processAlive(pid));
    if (!stale) {
      throw new Error(
        `${dir} is in use by another local backend (pid ${pid}). Stop it, or set PARLEY_LOCAL_BACKEND_DATA_DIR to another directory.`,
      );
    }
    await rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}.`);
}

/** A queued record; a client's mutation's line waits for its result (see `append`). */
type Pending = { seq: number; segment: number; line: string | Promise<string> };
type Waiter = { seq: number; resolve: () => void; reject: (error: unknown) => void };

export class DataStore {
  private segment: number;
  private handle: { segment: number; file: FileHandle } | null = null;
  private readonly queue: Pending[] = [];
  private readonly waiters: Waiter[] = [];
  private appendedSeq = 0;
  private durableSeq = 0;
  private draining = false;
  private failure: unknown = null;
  private closed = false;
  private bytesSinceSnapshot = 0;
  /** Snapshots run one after another. */
  private snapshots: Promise<void> = Promise.resolve();
  private autoSnapshotQueued = false;
  private exportState: (() => DatabaseState) | null = null;
  private readonly snapshotBytes: number;

  private constructor(
    readonly dir: string,
    private readonly lockFile: string,
    nextSegment: number,
    private readonly options: StoreOptions,
    private readonly requests: SessionRequests,
  ) {
    this.segment = nextSegment;
    this.snapshotBytes = options.snapshotBytes ?? DEFAULT_SNAPSHOT_BYTES;
  }

  /**
   * Open (creating if needed) and lock `dir`, and recover its state: the
   * snapshot plus every intact log record after it.
   */
  static async open(
    dir: string,
    components: readonly string[],
    options: StoreOptions,
  ): Promise<{ store: DataStore; recovery: Recovery }> {
    await mkdir(path.join(dir, LOG_DIR), { recursive: true });
    await mkdir(path.join(dir, FILES_DIR), { recursive: true });
    const lockFile = await lock(dir);
    try {
      const { recovery, lastSegment } = await recover(dir, components);
      const store = new DataStore(dir, lockFile, lastSegment + 1, options, recovery.requests);
      return { store, recovery };
    } catch (error) {
      heldLocks.delete(lockFile);
      await rm(lockFile, { force: true });
      throw error;
    }
  }

  /** Where snapshots read the whole state from (convex-test's `exportState`). */
  setStateSource(exportState: () => DatabaseState): void {
    this.exportState = exportState;
  }

  /** The logged answer to a client's mutation, if it committed (in this run or before a restart). */
  recordedMutation(sessionId: string, requestId: number): RecordedMutation | undefined {
    return this.requests.get(sessionId, requestId);
  }

  /**
   * Log a commit. Synchronous, so it runs inside convex-test's commit and the
   * log's order is the commit order; the write itself happens in the background.
   *
   * `request` is given for a client's mutation: its answer is only known once
   * convex-test hands back the result, just after the commit. The record keeps
   * its place in the log and is written (with the answer, in the same line as
   * the writes) once that settles; the caller must settle it, with null when
   * there is nothing to record.
   */
  append(commit: CommitEvent, request?: Promise<MutationRequest | null>): void {
    if (this.closed) {
      this.options.onError(
        "A commit landed after the data directory was closed; it is not saved.",
        undefined,
      );
      return;
    }
    const record: CommitRecord = {
      ts: commit.ts.toString(),
      writes: commit.writes.map(({ componentPath, id, value }) => [
        componentPath,
        id,
        value === null ? null : encodeDocument(value),
      ]),
      counters: Object.fromEntries(
        Object.entries(commit.counters).map(([componentPath, counters]) => [
          componentPath,
          [counters.nextDocId, counters.lastCreationTime],
        ]),
      ),
    };
    const encode = (): string => {
      const line = encodeRecord(JSON.stringify(record));
      this.bytesSinceSnapshot += Buffer.byteLength(line);
      return line;
    };
    const line = request
      ? request.then(
          (answer) => {
            if (answer) {
              record.request = [answer.sessionId, answer.requestId, answer.result];
              this.requests.set(answer.sessionId, answer.requestId, {
                ts: commit.ts,
                result: answer.result,
              });
            }
            return encode();
          },
          () => encode(),
        )
      : encode();
    this.appendedSeq += 1;
    this.queue.push({ seq: this.appendedSeq, segment: this.segment, line });
    void this.drain();
    if (this.bytesSinceSnapshot >= this.snapshotBytes && !this.autoSnapshotQueued) {
      this.autoSnapshotQueued = true;
      this.snapshot()
        .catch((error: unknown) =>
          this.options.onError("Writing a snapshot failed (the log still has every commit)", error),
        )
        .finally(() => (this.autoSnapshotQueued = false));
    }
  }

  /** Resolves once every commit appended so far is fsync'd; rejects if the log cannot be written. */
  durable(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failureError());
    const seq = this.appendedSeq;
    if (this.durableSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /**
   * Write the whole state as a snapshot and delete the log it covers. Runs
   * one at a time; a call while one runs takes another after it.
   */
  snapshot(): Promise<void> {
    const run = this.snapshots.catch(() => undefined).then(() => this.writeSnapshot());
    this.snapshots = run;
    return run;
  }

  /** Keep a stored file's bytes (and content type) before `storage.store` returns its id. */
  async storeFile(componentPath: string, storageId: string, blob: Blob): Promise<void> {
    const dir = path.join(this.dir, FILES_DIR, componentDir(componentPath));
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, storageId);
    if (blob.type) await writeDurably(`${file}.type`, blob.type);
    await writeDurably(file, new Uint8Array(await blob.arrayBuffer()));
    await fsyncDirectory(dir);
  }

  /** Flush the log, write a final snapshot if anything was logged since the last, and unlock. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.durable().catch(() => undefined);
      if (this.bytesSinceSnapshot > 0 && this.failure === null) await this.snapshot();
      else await this.snapshots.catch(() => undefined);
    } finally {
      this.closed = true;
      await this.handle?.file.close();
      this.handle = null;
      heldLocks.delete(this.lockFile);
      await rm(this.lockFile, { force: true });
    }
  }

  private async writeSnapshot(): Promise<void> {
    if (!this.exportState) throw new Error("The store has no state source to snapshot.");
    // Synchronously: export the state and move appends to a new segment, so
    // every segment up to `covered` holds only commits the state includes.
    const state = this.exportState();
    const covered = this.segment;
    this.segment += 1;
    this.bytesSinceSnapshot = 0;
    const snapshot: SnapshotFile = {
      format: FORMAT,
      ts: state.lastCommitTs.toString(),
      components: Object.fromEntries(
        Object.entries(state.components).map(([componentPath, component]) => [
          componentPath,
          {
            nextDocId: component.nextDocId,
            lastCreationTime: component.lastCreationTime,
            documents: component.documents.map(encodeDocument),
          },
        ]),
      ),
    };
    // The covered segments must be complete on disk before they can be replaced.
    await this.durable();
    // Taken after the log is written: every covered record's answer is in by then (newer
    // answers may be too, which is harmless).
    snapshot.requests = this.requests.export();
    const text = JSON.stringify(snapshot);
    await writeDurably(path.join(this.dir, SNAPSHOT), text);
    await fsyncDirectory(this.dir);
    const logDir = path.join(this.dir, LOG_DIR);
    for (const name of await readdir(logDir)) {
      const match = SEGMENT.exec(name);
      if (match && Number(match[1]) <= covered) await rm(path.join(logDir, name), { force: true });
    }
    await fsyncDirectory(logDir);
  }

  /** The group commit: write every queued record of a segment at once, then fsync. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && this.failure === null) {
        const segment = this.queue[0]!.segment;
        let count = 0;
        while (count < this.queue.length && this.queue[count]!.segment === segment) count += 1;
        const batch = this.queue.splice(0, count);
        const lines = await Promise.all(batch.map((entry) => Promise.resolve(entry.line)));
        const file = await this.segmentFile(segment);
        await file.appendFile(lines.join(""));
        await file.datasync();
        this.durableSeq = batch[batch.length - 1]!.seq;
        this.wake();
      }
    } catch (error) {
      this.failure = error;
      this.options.onError("Writing the commit log failed; commits are no longer saved", error);
      this.wake();
    } finally {
      this.draining = false;
    }
  }

  private wake(): void {
    for (let index = this.waiters.length - 1; index >= 0; index--) {
      const waiter = this.waiters[index]!;
      if (this.failure !== null) waiter.reject(this.failureError());
      else if (waiter.seq <= this.durableSeq) waiter.resolve();
      else continue;
      this.waiters.splice(index, 1);
    }
  }

  private failureError(): Error {
    const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
    return new Error(`The local backend cannot save commits to ${this.dir}: ${reason}`, {
      cause: this.failure,
    });
  }

  private async segmentFile(segment: number): Promise<FileHandle> {
    if (this.handle?.segment === segment) return this.handle.file;
    await this.handle?.file.close();
    this.handle = null;
    const logDir = path.join(this.dir, LOG_DIR);
    const file = await open(path.join(logDir, segmentName(segment)), "a");
    // The new file's directory entry must be durable too, or its records could vanish with it.
    await fsyncDirectory(logDir);
    this.handle = { segment, file };
    return file;
  }
}

/** Write a file so that it is either absent or complete: temp file, fsync, rename. */
async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

/** Load the snapshot, replay the log after it, and collect stored files. */
async function recover(
  dir: string,
  registered: readonly string[],
): Promise<{ recovery: Recovery; lastSegment: number }> {
  const components = new Map<string, RecoveredComponent>();
  const component = (componentPath: string): RecoveredComponent => {
    let found = components.get(componentPath);
    if (!found) {
      found = { documents: new Map(), nextDocId: 0, lastCreationTime: 0 };
      components.set(componentPath, found);
    }
    return found;
  };

  let ts = 0n;
  const requests = new SessionRequests();
  const snapshotText = await readFile(path.join(dir, SNAPSHOT), "utf8").catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    },
  );
  if (snapshotText !== null) {
    const snapshot = JSON.parse(snapshotText) as SnapshotFile;
    if (snapshot.format !== FORMAT) {
      throw new Error(
        `${path.join(dir, SNAPSHOT)} has format "${snapshot.format}", not "${FORMAT}". Move the directory aside to start empty.`,
      );
    }
    ts = BigInt(snapshot.ts);
    requests.load(snapshot.requests ?? []);
    for (const [componentPath, stored] of Object.entries(snapshot.components)) {
      const target = component(componentPath);
      target.nextDocId = stored.nextDocId;
      target.lastCreationTime = stored.lastCreationTime;
      for (const json of stored.documents) {
        const document = decodeDocument(json);
        target.documents.set(document._id as string, document);
      }
    }
  }

  const logDir = path.join(dir, LOG_DIR);
  const segments = (await readdir(logDir))
    .map((name) => SEGMENT.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
  let replayed = 0;
  let droppedBytes = 0;
  for (const index of segments) {
    const file = path.join(logDir, segmentName(index));
    const buffer = await readFile(file);
    const { payloads, intactBytes } = decodeSegment(buffer, file);
    if (intactBytes < buffer.length) {
      // A torn tail: never acknowledged. Cut it off so the segment reads clean next time.
      droppedBytes += buffer.length - intactBytes;
      await truncate(file, intactBytes);
    }
    for (const payload of payloads) {
      const record = JSON.parse(payload) as CommitRecord;
      const recordTs = BigInt(record.ts);
      if (recordTs <= ts) continue; // Already in the snapshot.
      ts = recordTs;
      replayed += 1;
      if (record.request) {
        const [sessionId, requestId, result] = record.request;
        requests.set(sessionId, requestId, { ts: recordTs, result });
      }
      for (const [componentPath, id, json] of record.writes) {
        const { documents } = component(componentPath);
        if (json === null) documents.delete(id);
        else documents.set(id, decodeDocument(json));
      }
      for (const [componentPath, [nextDocId, lastCreationTime]] of Object.entries(
        record.counters,
      )) {
        const target = component(componentPath);
        target.nextDocId = Math.max(target.nextDocId, nextDocId);
        target.lastCreationTime = Math.max(target.lastCreationTime, lastCreationTime);
      }
    }
  }

  const state: DatabaseState = { lastCommitTs: ts, components: {} };
  const unknownComponents: string[] = [];
  for (const [componentPath, recovered] of components) {
    if (!registered.includes(componentPath)) {
      if (recovered.documents.size > 0) unknownComponents.push(componentPath);
      continue;
    }
    const files = await readFiles(dir, componentPath, recovered.documents);
    state.components[componentPath] = {
      documents: [...recovered.documents.values()],
      // Belt and braces: never hand out a counter an existing document already used.
      nextDocId: Math.max(recovered.nextDocId, highestIdCounter(recovered.documents) + 1),
      lastCreationTime: recovered.lastCreationTime,
      files,
    };
  }
  return {
    recovery: { state, replayed, droppedBytes, unknownComponents, requests },
    lastSegment: segments.at(-1) ?? 0,
  };
}

/** convex-test's ids are `<counter><table>`; the largest counter in use. */
function highestIdCounter(documents: Map<string, Document>): number {
  let highest = 0;
  for (const id of documents.keys()) {
    const counter = /^\d+/.exec(id);
    if (counter) highest = Math.max(highest, Number(counter[0]));
  }
  return highest;
}

/**
 * The stored files of a component's `_storage` documents. Leftovers (a file
 * whose document was deleted, or a temp file from a crash) are removed.
 */
async function readFiles(
  dir: string,
  componentPath: string,
  documents: Map<string, Document>,
): Promise<Record<string, Blob>> {
  const filesDir = path.join(dir, FILES_DIR, componentDir(componentPath));
  const names = await readdir(filesDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const files: Record<string, Blob> = {};
  for (const name of names) {
    const storageId = name.replace(/\.(type|tmp)$/, "").replace(/\.type$/, "");
    const isStorageDoc = /_storage$/.test(storageId) && documents.has(storageId);
    if (!isStorageDoc || name.endsWith(".tmp")) {
      await rm(path.join(filesDir, name), { force: true });
      continue;
    }
    if (name !== storageId) continue; // A `.type` sidecar, read with its file.
    const type = await readFile(path.join(filesDir, `${name}.type`), "utf8").catch(() => "");
    files[storageId] = new Blob([await readFile(path.join(filesDir, name))], { type });
  }
  return files;
}
