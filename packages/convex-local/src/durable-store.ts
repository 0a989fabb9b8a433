// Durable storage of the runtime's state under --data: a snapshot plus an
// append-only log of committed transactions, and content-addressed file blobs.
// This module opens and closes the data folder (lock, load, repair) and is
// the one object the runtime holds; each part lives in its own module:
//   durable-log.ts       snapshot + append-only log (log-records.ts: line formats)
//   blob-store.ts        blob files, streamed uploads, pins
//   blob-gc.ts           collection of unreferenced blobs (pins, grace period)
//   used-upload-urls.ts  single use of upload URLs across restarts
//
// Layout of the data folder:
//   snapshot.jsonl   header line, then one document per line (written to a temp
//                    file, fsynced, renamed: never half-written); embeddings
//                    as float32/float64 bytes (log-records.ts)
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
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { collectGarbageBlobs, DEFAULT_BLOB_GRACE_MS } from "./blob-gc.ts";
import { BlobStore, type PinnedBlob } from "./blob-store.ts";
import { DurableLog } from "./durable-log.ts";
import { type FolderLock, lockFolder } from "./folder-lock.ts";
import type { CommitRecord, StoredState } from "./log-records.ts";
import { UsedUploadUrls } from "./used-upload-urls.ts";

export { DEFAULT_BLOB_GRACE_MS } from "./blob-gc.ts";
export { BlobTooLargeError, type PinnedBlob, sha256Base64 } from "./blob-store.ts";
export {
  applyRecord,
  type CommitRecord,
  emptyState,
  encodeRecord,
  parseLogText,
  type StoredDocument,
  type StoredState,
} from "./log-records.ts";

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

export class DurableStore {
  readonly dir: string;
  private readonly log: DurableLog;
  private readonly blobs: BlobStore;
  private readonly usedUploads: UsedUploadUrls;
  private readonly blobGraceMs: number;
  private readonly now: () => number;
  private lock: FolderLock | null = null;
  private closed = false;

  private constructor(dir: string, options: DurableStoreOptions) {
    this.dir = dir;
    this.blobs = new BlobStore(join(dir, "blobs"));
    this.blobGraceMs = options.blobGraceMs ?? DEFAULT_BLOB_GRACE_MS;
    this.now = options.now ?? Date.now;
    this.usedUploads = new UsedUploadUrls(dir, this.now);
    this.log = new DurableLog(dir, options);
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
      const state = store.log.load();
      store.blobs.removeLeftoverTemps();
      store.log.openForAppend();
      return { store, state };
    } catch (error) {
      store.close();
      throw error;
    }
  }

  /** Appends one committed transaction. Synchronous: done before the commit is acknowledged. */
  append(record: CommitRecord): void {
    this.log.append(record);
  }

  needsCompaction(): boolean {
    return this.log.needsCompaction();
  }

  /** Whether to compact at a start or a stop (durable-log.ts: old format, or a long log). */
  worthCompactingAtRest(): boolean {
    return this.log.worthCompactingAtRest();
  }

  /** Writes a fresh snapshot of `state` and starts an empty log. */
  compact(state: StoredState): void {
    this.log.compact(state);
  }

  flush(): void {
    this.log.flush();
  }

  /** Stores file contents durably and returns their sha256 (base64). */
  writeBlob(bytes: Uint8Array): string {
    return this.blobs.writeBlob(bytes);
  }

  /** Streams an upload under `maxBytes`; the blob stays pinned until `release()` (blob-store.ts). */
  writeBlobStream(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<PinnedBlob> {
    return this.blobs.writeBlobStream(body, maxBytes);
  }

  /** Keeps a blob from being collected until the returned function is called. */
  pinBlob(sha256: string): () => void {
    return this.blobs.pinBlob(sha256);
  }

  blobPath(sha256: string): string {
    return this.blobs.blobPath(sha256);
  }

  readBlob(sha256: string): Uint8Array | null {
    return this.blobs.readBlob(sha256);
  }

  deleteBlob(sha256: string): void {
    this.blobs.deleteBlob(sha256);
  }

  /**
   * Removes blob files no `_storage` document refers to, except pinned ones,
   * uploads' temp files and anything modified within the grace period.
   */
  collectGarbageBlobs(referenced: Set<string>): number {
    return collectGarbageBlobs(this.blobs, referenced, this.now() - this.blobGraceMs);
  }

  /** Whether an upload URL (by its nonce) has already been used. */
  isUploadUsed(nonce: string): boolean {
    return this.usedUploads.has(nonce);
  }

  /** Records an upload URL as used (until its expiry, when it is refused anyway). */
  markUploadUsed(nonce: string, expiry: number): void {
    this.usedUploads.add(nonce, expiry);
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
    this.log.close();
    this.lock?.release();
    this.lock = null;
  }
}
