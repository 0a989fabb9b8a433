// Durable storage of the runtime's state under --data: a snapshot plus an
// append-only log of committed transactions, and content-addressed file blobs.
//
// Layout of the data folder:
//   snapshot.jsonl   header line, then one document per line (written to a temp
//                    file, fsynced, renamed: never half-written)
//   log-<gen>.jsonl  one line per committed transaction since that snapshot
//   blobs/<sha256>   file storage contents, written (temp + fsync + rename)
//                    before the `_storage` document that refers to them commits
//   LOCK             pid of the process using the folder (informational: the
//                    lock itself is an flock on the folder, see folder-lock.ts)
//   secret           per-folder key (signs upload URLs, derives file URL tokens)
//   uploads-used     upload URLs already used (single use survives restarts)
//
// Blob garbage collection never removes a blob that an upload in progress is
// writing or about to commit (pinned), nor one written less than a grace
// period ago (an upload whose `_storage` document has not committed yet).
//
// A line counts only once it ends with a newline and parses, so a crash in the
// middle of an append loses at most that (never acknowledged) transaction.
// Appends use write(2) per commit, so a killed process loses nothing that was
// acknowledged; fsync runs on a short interval, at compaction and at shutdown.
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import { type FolderLock, lockFolder } from "./folder-lock.ts";

export type StoredDocument = Record<string, Value> & { _id: string; _creationTime: number };

/** Everything needed to rebuild the in-memory database after a restart. */
export interface StoredState {
  documents: Map<string, StoredDocument>;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: bigint;
}

/** One committed transaction: the final value (or deletion) of each written id. */
export interface CommitRecord {
  ts: bigint;
  writes: Array<[string, StoredDocument | null]>;
  nextDocId: number;
  lastCreationTime: number;
}

interface SnapshotHeader {
  format: 1;
  generation: number;
  count: number;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: string;
}

const SNAPSHOT = "snapshot.jsonl";
const SNAPSHOT_TMP = "snapshot.jsonl.tmp";
const FIRST_DOC_ID = 10000;

export function emptyState(): StoredState {
  return {
    documents: new Map(),
    nextDocId: FIRST_DOC_ID,
    lastCreationTime: 0,
    lastCommitTs: 0n,
  };
}

/** Parses the complete lines of a log; a torn last line (crash mid-append) is reported, not applied. */
export function parseLogText(text: string): { records: CommitRecord[]; validBytes: number } {
  const records: CommitRecord[] = [];
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf("\n", offset);
    if (end < 0) break;
    const line = text.slice(offset, end);
    let record: CommitRecord;
    try {
      record = decodeRecord(line);
    } catch {
      break;
    }
    records.push(record);
    offset = end + 1;
  }
  return { records, validBytes: Buffer.byteLength(text.slice(0, offset)) };
}

export function encodeRecord(record: CommitRecord): string {
  return JSON.stringify({
    ts: record.ts.toString(),
    n: record.nextDocId,
    c: record.lastCreationTime,
    w: record.writes.map(([id, doc]) => [id, doc === null ? null : convexToJson(doc)]),
  });
}

function decodeRecord(line: string): CommitRecord {
  const raw = JSON.parse(line) as { ts: string; n: number; c: number; w: Array<[string, unknown]> };
  if (typeof raw.ts !== "string" || typeof raw.n !== "number" || !Array.isArray(raw.w)) {
    throw new Error("malformed log record");
  }
  return {
    ts: BigInt(raw.ts),
    nextDocId: raw.n,
    lastCreationTime: raw.c,
    writes: raw.w.map(([id, doc]) => [
      id,
      doc === null ? null : (jsonToConvex(doc as never) as StoredDocument),
    ]),
  };
}

export function applyRecord(state: StoredState, record: CommitRecord): void {
  for (const [id, doc] of record.writes) {
    if (doc === null) state.documents.delete(id);
    else state.documents.set(id, doc);
  }
  state.nextDocId = Math.max(state.nextDocId, record.nextDocId);
  state.lastCreationTime = Math.max(state.lastCreationTime, record.lastCreationTime);
  if (record.ts > state.lastCommitTs) state.lastCommitTs = record.ts;
}

/** sha256 as stored in `_storage` documents (standard base64), and its file-name form. */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

function blobFileName(sha256: string): string {
  return Buffer.from(sha256, "base64").toString("hex");
}

/** Thrown when a streamed blob passes its size cap (nothing is kept). */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the upload limit of ${maxBytes} bytes.`);
    this.name = "BlobTooLargeError";
  }
}

/** A blob written by `writeBlobStream`, pinned (never collected) until `release()`. */
export interface PinnedBlob {
  sha256: string;
  size: number;
  release(): void;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  }
}

export interface DurableStoreOptions {
  /** Compact once the log passes this many bytes. */
  compactAfterBytes?: number;
  /** fsync the log at most this often (ms). */
  fsyncIntervalMs?: number;
  /** Blobs modified less than this long ago are never collected (default 10 minutes). */
  blobGraceMs?: number;
  /** Clock used for the grace period (tests). */
  now?: () => number;
  /** Where warnings go (default: console.warn). */
  warn?: (message: string) => void;
}

export const DEFAULT_BLOB_GRACE_MS = 10 * 60 * 1000;
const USED_UPLOADS = "uploads-used";

export class DurableStore {
  readonly dir: string;
  private readonly blobDir: string;
  private generation = 0;
  private logFd: number | null = null;
  private logBytes = 0;
  private dirty = false;
  private fsyncTimer: ReturnType<typeof setInterval> | null = null;
  private readonly compactAfterBytes: number;
  private readonly blobGraceMs: number;
  private readonly now: () => number;
  /** Blob file names pinned by uploads in progress (name → pin count). */
  private readonly pinnedBlobs = new Map<string, number>();
  /** Temporary files of uploads being streamed. */
  private readonly uploadTmpFiles = new Set<string>();
  private usedUploads: Map<string, number> | null = null;
  private usedUploadsAppended = 0;
  private lock: FolderLock | null = null;
  private closed = false;

  private constructor(dir: string, options: DurableStoreOptions) {
    this.dir = dir;
    this.blobDir = join(dir, "blobs");
    this.compactAfterBytes = options.compactAfterBytes ?? 64 * 1024 * 1024;
    this.blobGraceMs = options.blobGraceMs ?? DEFAULT_BLOB_GRACE_MS;
    this.now = options.now ?? Date.now;
    const interval = options.fsyncIntervalMs ?? 100;
    this.fsyncTimer = setInterval(() => this.flush(), interval);
    this.fsyncTimer.unref?.();
  }

  /** Opens (creating if needed) a data folder, takes its lock and loads its state. */
  static open(
    dir: string,
    options: DurableStoreOptions = {},
  ): { store: DurableStore; state: StoredState } {
    mkdirSync(join(dir, "blobs"), { recursive: true });
    // Locked before anything is read or repaired.
    const lock = lockFolder(dir, {
      warn: options.warn ?? ((message) => console.warn(message)),
    });
    let store: DurableStore;
    try {
      store = new DurableStore(dir, options);
    } catch (error) {
      lock.release();
      throw error;
    }
    store.lock = lock;
    try {
      const state = store.load();
      return { store, state };
    } catch (error) {
      store.close();
      throw error;
    }
  }

  private logPath(generation: number): string {
    return join(this.dir, `log-${generation}.jsonl`);
  }

  private load(): StoredState {
    const state = emptyState();
    const snapshotPath = join(this.dir, SNAPSHOT);
    if (existsSync(snapshotPath)) {
      const lines = readFileSync(snapshotPath, "utf8").split("\n");
      const header = JSON.parse(lines[0] ?? "") as SnapshotHeader;
      if (header.format !== 1) throw new Error(`Unknown snapshot format in ${snapshotPath}`);
      const docLines = lines.slice(1).filter((line) => line.length > 0);
      if (docLines.length !== header.count) {
        throw new Error(
          `Snapshot ${snapshotPath} holds ${docLines.length} documents, its header says ${header.count}.`,
        );
      }
      for (const line of docLines) {
        const doc = jsonToConvex(JSON.parse(line)) as StoredDocument;
        state.documents.set(doc._id, doc);
      }
      this.generation = header.generation;
      state.nextDocId = header.nextDocId;
      state.lastCreationTime = header.lastCreationTime;
      state.lastCommitTs = BigInt(header.lastCommitTs);
    }
    const logPath = this.logPath(this.generation);
    if (existsSync(logPath)) {
      const text = readFileSync(logPath, "utf8");
      const { records, validBytes } = parseLogText(text);
      for (const record of records) applyRecord(state, record);
      if (validBytes < statSync(logPath).size) {
        // A torn final line from a crash mid-append: drop it.
        truncateSync(logPath, validBytes);
      }
    }
    // Leftovers of an interrupted compaction.
    for (const name of readdirSync(this.dir)) {
      const match = /^log-(\d+)\.jsonl$/.exec(name);
      if (match && Number(match[1]) !== this.generation) rmSync(join(this.dir, name));
      if (name === SNAPSHOT_TMP) rmSync(join(this.dir, name));
    }
    for (const name of readdirSync(this.blobDir)) {
      if (name.endsWith(".tmp")) rmSync(join(this.blobDir, name));
    }
    this.logFd = openSync(logPath, "a");
    this.logBytes = statSync(logPath).size;
    return state;
  }

  /** Appends one committed transaction. Synchronous: done before the commit is acknowledged. */
  append(record: CommitRecord): void {
    if (this.logFd === null) throw new Error("The data store is closed.");
    const line = `${encodeRecord(record)}\n`;
    const bytes = Buffer.from(line);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(this.logFd, bytes, written, bytes.length - written);
    }
    this.logBytes += bytes.length;
    this.dirty = true;
  }

  needsCompaction(): boolean {
    return this.logBytes > this.compactAfterBytes;
  }

  /** Writes a fresh snapshot of `state` and starts an empty log. */
  compact(state: StoredState): void {
    if (this.logFd === null) throw new Error("The data store is closed.");
    const next = this.generation + 1;
    const tmp = join(this.dir, SNAPSHOT_TMP);
    const fd = openSync(tmp, "w");
    try {
      const header: SnapshotHeader = {
        format: 1,
        generation: next,
        count: state.documents.size,
        nextDocId: state.nextDocId,
        lastCreationTime: state.lastCreationTime,
        lastCommitTs: state.lastCommitTs.toString(),
      };
      let chunk = `${JSON.stringify(header)}\n`;
      for (const doc of state.documents.values()) {
        chunk += `${JSON.stringify(convexToJson(doc))}\n`;
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = "";
        }
      }
      writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The next log exists before the snapshot that points at it.
    const nextLog = this.logPath(next);
    const nextFd = openSync(nextLog, "w");
    fsyncSync(nextFd);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    fsyncDir(this.dir);
    closeSync(this.logFd);
    rmSync(this.logPath(this.generation), { force: true });
    this.generation = next;
    this.logFd = nextFd;
    this.logBytes = 0;
    this.dirty = false;
  }

  flush(): void {
    if (this.dirty && this.logFd !== null) {
      fsyncSync(this.logFd);
      this.dirty = false;
    }
  }

  /** Stores file contents durably and returns their sha256 (base64). */
  writeBlob(bytes: Uint8Array): string {
    const sha256 = sha256Base64(bytes);
    const target = join(this.blobDir, blobFileName(sha256));
    if (!existsSync(target)) {
      const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      const fd = openSync(tmp, "w");
      try {
        let written = 0;
        while (written < bytes.length) {
          written += writeSync(fd, bytes, written, bytes.length - written);
        }
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
      fsyncDir(this.blobDir);
    }
    return sha256;
  }

  /**
   * Streams an upload into the blob folder (temp file, sha256 computed on the
   * way, fsync, rename), refusing more than `maxBytes` (the temp file is then
   * removed). The blob is pinned until `release()`: call it once the `_storage`
   * document that refers to it has committed (or failed to).
   */
  async writeBlobStream(
    body: AsyncIterable<Uint8Array> | null,
    maxBytes: number,
  ): Promise<PinnedBlob> {
    const tmpName = `upload-${randomBytes(8).toString("hex")}.tmp`;
    const tmp = join(this.blobDir, tmpName);
    this.uploadTmpFiles.add(tmpName);
    const hash = createHash("sha256");
    let size = 0;
    let fd: number | null = openSync(tmp, "wx");
    try {
      if (body !== null) {
        for await (const chunk of body) {
          size += chunk.byteLength;
          if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
          hash.update(chunk);
          let written = 0;
          while (written < chunk.byteLength) {
            written += writeSync(fd, chunk, written, chunk.byteLength - written);
          }
        }
      }
      fsyncSync(fd);
      closeSync(fd);
      fd = null;
      const sha256 = hash.digest("base64");
      const name = blobFileName(sha256);
      // Pinned before the rename, in the same synchronous step: a collection
      // can never see the blob unpinned and unreferenced.
      const release = this.pinBlob(sha256);
      const target = join(this.blobDir, name);
      if (existsSync(target)) rmSync(tmp, { force: true });
      else {
        renameSync(tmp, target);
        fsyncDir(this.blobDir);
      }
      return { sha256, size, release };
    } catch (error) {
      if (fd !== null) closeSync(fd);
      rmSync(tmp, { force: true });
      throw error;
    } finally {
      this.uploadTmpFiles.delete(tmpName);
    }
  }

  /** Keeps a blob from being collected until the returned function is called. */
  pinBlob(sha256: string): () => void {
    const name = blobFileName(sha256);
    this.pinnedBlobs.set(name, (this.pinnedBlobs.get(name) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.pinnedBlobs.get(name) ?? 1) - 1;
      if (count <= 0) this.pinnedBlobs.delete(name);
      else this.pinnedBlobs.set(name, count);
    };
  }

  blobPath(sha256: string): string {
    return join(this.blobDir, blobFileName(sha256));
  }

  readBlob(sha256: string): Uint8Array | null {
    const path = this.blobPath(sha256);
    return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
  }

  deleteBlob(sha256: string): void {
    try {
      unlinkSync(this.blobPath(sha256));
    } catch {
      // Already gone.
    }
  }

  /**
   * Removes blob files no `_storage` document refers to (deleted files, or
   * left by a crash between the two writes) — except blobs pinned by an upload
   * in progress, temp files of uploads being streamed, and anything modified
   * within the grace period.
   */
  collectGarbageBlobs(referenced: Set<string>): number {
    const keep = new Set([...referenced].map(blobFileName));
    const cutoff = this.now() - this.blobGraceMs;
    let removed = 0;
    for (const name of readdirSync(this.blobDir)) {
      if (keep.has(name) || this.pinnedBlobs.has(name) || this.uploadTmpFiles.has(name)) continue;
      const path = join(this.blobDir, name);
      let modified: number;
      try {
        modified = statSync(path).mtimeMs;
      } catch {
        continue; // Gone meanwhile.
      }
      if (modified > cutoff) continue;
      rmSync(path, { force: true });
      removed += 1;
    }
    return removed;
  }

  private loadUsedUploads(): Map<string, number> {
    if (this.usedUploads !== null) return this.usedUploads;
    const used = new Map<string, number>();
    const file = join(this.dir, USED_UPLOADS);
    if (existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const [nonce, expiry] = line.split(" ");
        if (nonce && Number.isFinite(Number(expiry))) used.set(nonce, Number(expiry));
      }
    }
    this.usedUploads = used;
    this.pruneUsedUploads();
    return used;
  }

  /** Forgets used upload URLs past their expiry (refused anyway) and rewrites the record atomically. */
  private pruneUsedUploads(): void {
    const used = this.usedUploads;
    if (used === null) return;
    const now = this.now();
    for (const [nonce, expiry] of used) if (expiry < now) used.delete(nonce);
    const file = join(this.dir, USED_UPLOADS);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, [...used].map(([n, e]) => `${n} ${e}\n`).join(""), { mode: 0o600 });
    renameSync(tmp, file);
    this.usedUploadsAppended = 0;
  }

  /** Whether an upload URL (by its nonce) has already been used. */
  isUploadUsed(nonce: string): boolean {
    return this.loadUsedUploads().has(nonce);
  }

  /** Records an upload URL as used (until its expiry, when it is refused anyway). */
  markUploadUsed(nonce: string, expiry: number): void {
    this.loadUsedUploads().set(nonce, expiry);
    writeFileSync(join(this.dir, USED_UPLOADS), `${nonce} ${expiry}\n`, {
      flag: "a",
      mode: 0o600,
    });
    this.usedUploadsAppended += 1;
    if (this.usedUploadsAppended > 4096) this.pruneUsedUploads();
  }

  /** A per-folder secret (signs upload URLs so they survive a restart). */
  secret(): Buffer {
    const file = join(this.dir, "secret");
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
    return Buffer.from(readFileSync(file, "utf8").trim(), "hex");
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    if (this.logFd !== null) {
      try {
        fsyncSync(this.logFd);
      } finally {
        closeSync(this.logFd);
        this.logFd = null;
      }
    }
    this.lock?.release();
    this.lock = null;
  }
}
