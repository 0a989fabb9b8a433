// What the durable log holds: the in-memory state it rebuilds, one committed
// transaction per line (encoded, decoded, applied), and the parsing of a log
// whose last line may be torn. Pure: no file access (durable-log.ts does it).
//
// A line counts only once it ends with a newline and parses, so a crash in the
// middle of an append loses at most that (never acknowledged) transaction.
import { convexToJson, jsonToConvex, type Value } from "convex/values";

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
