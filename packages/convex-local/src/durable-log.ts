// The snapshot and the append-only log of committed transactions in the data
// folder (`snapshot.jsonl`, `log-<gen>.jsonl`): loading them after a restart
// (repairing a torn last line and an interrupted compaction), appending one
// commit, compacting into a fresh snapshot, and the fsync policy. Line
// formats are log-records.ts's; blobs and the folder lock are not touched.
//
// Appends use write(2) per commit, so a killed process loses nothing that was
// acknowledged; fsync runs on a short interval, at compaction and at shutdown.
// A snapshot is written to a temp file, fsynced and renamed: never half-written.
//
// Snapshot formats: 1 wrote every document as plain Convex JSON; 2 writes long
// numeric arrays (embeddings) as bytes (log-records.ts). Both load; a folder
// in format 1 is rewritten in format 2 at its first start (`needsMigration`).
// The snapshot is read in chunks, line by line: never one string of the whole
// file (a centre's data, hundreds of MB, would come near the engine's limit).
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { fsyncDir, writeFully } from "./durable-files.ts";
import {
  applyRecord,
  type CommitRecord,
  decodeDocument,
  emptyState,
  encodeDocument,
  encodeRecord,
  type StoredState,
  tryDecodeRecord,
} from "./log-records.ts";
import { collectYoungGarbage } from "./young-garbage.ts";

/** A log shorter than this is replayed at start rather than compacted at a start or stop. */
export const REST_COMPACTION_MIN_LOG_BYTES = 4 * 1024 * 1024;

/** The format compaction writes. */
export const SNAPSHOT_FORMAT = 2;

interface SnapshotHeader {
  format: 1 | 2;
  generation: number;
  count: number;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: string;
}

const SNAPSHOT = "snapshot.jsonl";
const SNAPSHOT_TMP = "snapshot.jsonl.tmp";

export interface DurableLogOptions {
  /** Compact once the log passes this many bytes. */
  compactAfterBytes?: number;
  /** fsync the log at most this often (ms). */
  fsyncIntervalMs?: number;
}

export class DurableLog {
  private readonly dir: string;
  private generation = 0;
  private logFd: number | null = null;
  private logBytes = 0;
  private dirty = false;
  /** The snapshot loaded was in an older format (rewrite it). */
  private oldFormat = false;
  private fsyncTimer: ReturnType<typeof setInterval> | null = null;
  private readonly compactAfterBytes: number;

  constructor(dir: string, options: DurableLogOptions) {
    this.dir = dir;
    this.compactAfterBytes = options.compactAfterBytes ?? 64 * 1024 * 1024;
    const interval = options.fsyncIntervalMs ?? 100;
    this.fsyncTimer = setInterval(() => this.flush(), interval);
    this.fsyncTimer.unref?.();
  }

  private logPath(generation: number): string {
    return join(this.dir, `log-${generation}.jsonl`);
  }

  /** Reads the snapshot and the log into a state, dropping a torn last line and leftovers. */
  load(): StoredState {
    const state = emptyState();
    const snapshotPath = join(this.dir, SNAPSHOT);
    if (existsSync(snapshotPath)) {
      let header: SnapshotHeader | null = null;
      let count = 0;
      forEachLine(snapshotPath, (line) => {
        if (header === null) {
          header = JSON.parse(line) as SnapshotHeader;
          if (header.format !== 1 && header.format !== 2) {
            throw new Error(`Unknown snapshot format in ${snapshotPath}`);
          }
          return;
        }
        if (line.length === 0) return;
        const doc = decodeDocument(line);
        state.documents.set(doc._id, doc);
        count++;
      });
      const loaded = header as SnapshotHeader | null;
      if (loaded === null) throw new Error(`Snapshot ${snapshotPath} has no header.`);
      if (count !== loaded.count) {
        throw new Error(
          `Snapshot ${snapshotPath} holds ${count} documents, its header says ${loaded.count}.`,
        );
      }
      this.oldFormat = loaded.format !== SNAPSHOT_FORMAT;
      this.generation = loaded.generation;
      state.nextDocId = loaded.nextDocId;
      state.lastCreationTime = loaded.lastCreationTime;
      state.lastCommitTs = BigInt(loaded.lastCommitTs);
    }
    const logPath = this.logPath(this.generation);
    if (existsSync(logPath)) {
      // Line by line, each record applied as it is read (a log can reach 64 MB).
      let validBytes = 0;
      let torn = false;
      forEachLine(logPath, (line, bytes, complete) => {
        if (torn) return;
        // Only a line ending with a newline and parsing counts (see parseLogText).
        const record = complete ? tryDecodeRecord(line) : null;
        if (record === null) {
          torn = true;
          return;
        }
        applyRecord(state, record);
        validBytes += bytes + 1;
      });
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
    return state;
  }

  /** Opens the current log for appends (after `load`). */
  openForAppend(): void {
    const logPath = this.logPath(this.generation);
    this.logFd = openSync(logPath, "a");
    this.logBytes = statSync(logPath).size;
  }

  /** Appends one committed transaction. Synchronous: done before the commit is acknowledged. */
  append(record: CommitRecord): void {
    if (this.logFd === null) throw new Error("The data store is closed.");
    const line = `${encodeRecord(record)}\n`;
    const bytes = Buffer.from(line);
    writeFully(this.logFd, bytes);
    this.logBytes += bytes.length;
    this.dirty = true;
  }

  needsCompaction(): boolean {
    return this.logBytes > this.compactAfterBytes;
  }

  /**
   * Whether to compact at a start or a stop: an old format to rewrite, or a log
   * big enough (past 4 MB and a quarter of the snapshot) that replaying it would
   * cost more than the rewrite. A short log is simply replayed at the next start:
   * rewriting hundreds of MB for a few writes would make every restart slow.
   */
  worthCompactingAtRest(): boolean {
    if (this.oldFormat) return true;
    const snapshotPath = join(this.dir, SNAPSHOT);
    const snapshotBytes = existsSync(snapshotPath) ? statSync(snapshotPath).size : 0;
    return this.logBytes > Math.max(REST_COMPACTION_MIN_LOG_BYTES, snapshotBytes / 4);
  }

  /** Writes a fresh snapshot of `state` and starts an empty log. */
  compact(state: StoredState): void {
    if (this.logFd === null) throw new Error("The data store is closed.");
    const next = this.generation + 1;
    const tmp = join(this.dir, SNAPSHOT_TMP);
    const fd = openSync(tmp, "w");
    try {
      const header: SnapshotHeader = {
        format: SNAPSHOT_FORMAT,
        generation: next,
        count: state.documents.size,
        nextDocId: state.nextDocId,
        lastCreationTime: state.lastCreationTime,
        lastCommitTs: state.lastCommitTs.toString(),
      };
      let chunk = `${JSON.stringify(header)}\n`;
      for (const doc of state.documents.values()) {
        chunk += `${encodeDocument(doc)}\n`;
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
    this.oldFormat = false;
  }

  flush(): void {
    if (this.dirty && this.logFd !== null) {
      fsyncSync(this.logFd);
      this.dirty = false;
    }
  }

  /** Stops the fsync timer, fsyncs and closes the log. */
  close(): void {
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    if (this.logFd !== null) {
      try {
        fsyncSync(this.logFd);
      } finally {
        closeSync(this.logFd);
        this.logFd = null;
      }
    }
  }
}

/**
 * Calls `onLine` with each line of a file (without its newline, with its length in
 * bytes), reading it in chunks; a last line without a newline comes with `complete`
 * false.
 */
function forEachLine(
  path: string,
  onLine: (line: string, bytes: number, complete: boolean) => void,
): void {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(16 * 1024 * 1024);
    // The unfinished tail of the previous read (copied: `buffer` is reused).
    let carry: Buffer = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      // Decoding a 16 MB chunk leaves about twice as much garbage (young-garbage.ts):
      // peak 1.29 → 0.83 GB for a centre's 317 MB snapshot, +0.1 s.
      collectYoungGarbage();
      const data = buffer.subarray(0, read);
      let start = 0;
      if (carry.length > 0) {
        // Only the line cut by the previous read is joined, never the whole chunk.
        const end = data.indexOf(10);
        if (end < 0) {
          carry = Buffer.concat([carry, data]);
          continue;
        }
        const line = Buffer.concat([carry, data.subarray(0, end)]);
        onLine(line.toString("utf8"), line.length, true);
        start = end + 1;
      }
      for (;;) {
        const end = data.indexOf(10, start);
        if (end < 0) break;
        onLine(data.toString("utf8", start, end), end - start, true);
        start = end + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) onLine(carry.toString("utf8"), carry.length, false);
  } finally {
    closeSync(fd);
  }
}
