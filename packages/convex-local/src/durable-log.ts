// The snapshot and the append-only log of committed transactions in the data
// folder (`snapshot.jsonl`, `log-<gen>.jsonl`): loading them after a restart
// (repairing a torn last line and an interrupted compaction), appending one
// commit, compacting into a fresh snapshot, and the fsync policy. Line
// formats are log-records.ts's; blobs and the folder lock are not touched.
//
// Appends use write(2) per commit, so a killed process loses nothing that was
// acknowledged; fsync runs on a short interval, at compaction and at shutdown.
// A snapshot is written to a temp file, fsynced and renamed: never half-written.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { convexToJson, jsonToConvex } from "convex/values";
import { fsyncDir, writeFully } from "./durable-files.ts";
import {
  applyRecord,
  type CommitRecord,
  emptyState,
  encodeRecord,
  parseLogText,
  type StoredDocument,
  type StoredState,
} from "./log-records.ts";

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
