// What the durable log holds: the in-memory state it rebuilds, one committed
// transaction per line (encoded, decoded, applied), and the parsing of a log
// whose last line may be torn. Pure: no file access (durable-log.ts does it).
//
// A line counts only once it ends with a newline and parses, so a crash in the
// middle of an append loses at most that (never acknowledged) transaction.
//
// Documents are Convex JSON (convexToJson), except that an array of at least
// COMPACT_MIN_LENGTH finite numbers (an embedding) is written as its bytes:
// `{"$f32": base64}` when every element is exactly a float32, else
// `{"$f64": base64}` (little-endian). Lossless either way, and 4–5× smaller
// than decimal text for float32 values. Field names cannot start with `$` in
// Convex, so the tags cannot collide with a document's own object. Plain arrays
// (older data folders) still decode.
import { endianness } from "node:os";
import { convexToJson, jsonToConvex, type Value } from "convex/values";

/** Numeric arrays at least this long are stored as bytes. */
export const COMPACT_MIN_LENGTH = 16;

if (endianness() !== "LE") {
  throw new Error("convex-local stores vectors little-endian and needs a little-endian machine.");
}

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
    w: record.writes.map(([id, doc]) => [id, doc === null ? null : compactJson(convexToJson(doc))]),
  });
}

/** One document as a snapshot line (without the newline). */
export function encodeDocument(doc: StoredDocument): string {
  return JSON.stringify(compactJson(convexToJson(doc)));
}

/** A snapshot line back into a document (compact or plain arrays). */
export function decodeDocument(line: string): StoredDocument {
  return decodeJson(JSON.parse(line), line) as StoredDocument;
}

function isNumberArray(value: unknown[]): value is number[] {
  for (const x of value) if (typeof x !== "number") return false;
  return true;
}

/** Replaces long numeric arrays of a Convex JSON value by their bytes (in place). */
function compactJson(json: unknown): unknown {
  if (Array.isArray(json)) {
    if (json.length >= COMPACT_MIN_LENGTH && isNumberArray(json)) return packNumbers(json);
    for (let i = 0; i < json.length; i++) json[i] = compactJson(json[i]);
    return json;
  }
  if (json !== null && typeof json === "object") {
    const object = json as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = compactJson(object[key]);
  }
  return json;
}

export function packNumbers(values: number[]): { $f32: string } | { $f64: string } {
  if (isFloat32Exact(values)) {
    return { $f32: Buffer.from(new Float32Array(values).buffer).toString("base64") };
  }
  return { $f64: Buffer.from(new Float64Array(values).buffer).toString("base64") };
}

/** Arrays known to hold float32 values only (decoded from `$f32`, or rounded by the engine). */
const float32Arrays = new WeakSet<number[]>();

export function markFloat32(values: number[]): number[] {
  float32Arrays.add(values);
  return values;
}

/** Whether every element is exactly a float32 (marked arrays answer at once). */
export function isFloat32Exact(values: number[]): boolean {
  if (float32Arrays.has(values)) return true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (Math.fround(x) !== x) return false;
  }
  return true;
}

export function unpackNumbers(base64: string, bytesPerElement: 4 | 8): number[] {
  const bytes = Buffer.from(base64, "base64");
  if (bytes.byteLength % bytesPerElement !== 0) throw new Error("malformed packed numbers");
  // Copied into an aligned buffer (a Buffer's offset may not be).
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  const typed =
    bytesPerElement === 4 ? new Float32Array(aligned.buffer) : new Float64Array(aligned.buffer);
  // A plain loop: Array.from on a typed array is ten times slower in Bun.
  const out = new Array<number>(typed.length);
  for (let i = 0; i < typed.length; i++) out[i] = typed[i] as number;
  return bytesPerElement === 4 ? markFloat32(out) : out;
}

function unpackJson(json: unknown): unknown {
  if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) json[i] = unpackJson(json[i]);
    return json;
  }
  if (json !== null && typeof json === "object") {
    const object = json as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && typeof object.$f32 === "string") return unpackNumbers(object.$f32, 4);
    if (keys.length === 1 && typeof object.$f64 === "string") return unpackNumbers(object.$f64, 8);
    for (const key of keys) object[key] = unpackJson(object[key]);
  }
  return json;
}

/**
 * Convex JSON (possibly compact) → a Convex value; `text` tells which tags may be
 * present. Without int64, bytes or special floats, parsed JSON already is the Convex
 * value (plain objects, arrays, strings, numbers, booleans, null): jsonToConvex, which
 * rebuilds every object, is skipped — it doubled the load time of a large folder. A
 * false positive of these tests only costs the slow path.
 */
function decodeJson(json: unknown, text: string): Value {
  if (!text.includes('"$')) return json as Value;
  const plain = text.includes('"$f32"') || text.includes('"$f64"') ? unpackJson(json) : json;
  if (!CONVEX_TAG.test(text)) return plain as Value;
  return jsonToConvex(plain as never);
}

/** The tags of convexToJson's encoding (`{"$integer": …}`, `{"$bytes": …}`, `{"$float": …}`). */
const CONVEX_TAG = /"\$(integer|bytes|float)"/;

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
      doc === null ? null : (decodeJson(doc, line) as StoredDocument),
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
