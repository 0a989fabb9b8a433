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

/** One complete log line as a record, or null when it does not parse (a torn line). */
export function tryDecodeRecord(line: string): CommitRecord | null {
  try {
    return decodeRecord(line);
  } catch {
    return null;
  }
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
  return decodeJson(JSON.parse(line), tagsOf(line)) as StoredDocument;
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

/** Whether `values` is known to hold float32 numbers only (no scan). */
export function isMarkedFloat32(values: unknown): boolean {
  return Array.isArray(values) && float32Arrays.has(values as number[]);
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
  return numbersFromBytes(Buffer.from(base64, "base64"), bytesPerElement);
}

/** Little-endian float32/float64 bytes at any offset → numbers (float32 ones marked). */
export function numbersFromBytes(bytes: Uint8Array, bytesPerElement: 4 | 8): number[] {
  if (bytes.byteLength % bytesPerElement !== 0) throw new Error("malformed packed numbers");
  // A typed view needs an aligned offset (a pooled Buffer's may not be): copied only then.
  let source = bytes;
  if (bytes.byteOffset % bytesPerElement !== 0) {
    source = new Uint8Array(bytes.byteLength);
    source.set(bytes);
  }
  const length = source.byteLength / bytesPerElement;
  const typed =
    bytesPerElement === 4
      ? new Float32Array(source.buffer, source.byteOffset, length)
      : new Float64Array(source.buffer, source.byteOffset, length);
  // A plain loop: Array.from on a typed array is ten times slower in Bun.
  const out = new Array<number>(typed.length);
  for (let i = 0; i < typed.length; i++) out[i] = typed[i] as number;
  return bytesPerElement === 4 ? markFloat32(out) : out;
}

/**
 * Decodes, in place, the tagged values of a parsed line: `$f32`/`$f64` arrays and
 * convexToJson's `$float` (-0, NaN, ±Infinity), `$integer` and `$bytes` (any other tag
 * goes through jsonToConvex). Faster than jsonToConvex, which rebuilds every object:
 * every job has `negPriority: -0`.
 */
function unpackJson(json: unknown): unknown {
  if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) {
      const item = json[i];
      if (item !== null && typeof item === "object") json[i] = unpackJson(item);
    }
    return json;
  }
  if (json !== null && typeof json === "object") {
    const object = json as Record<string, unknown>;
    const keys = Object.keys(object);
    const first = keys[0];
    if (keys.length === 1 && first !== undefined && first.startsWith("$")) {
      const tagged = object[first];
      if (typeof tagged === "string") {
        switch (first) {
          case "$f32":
            return unpackNumbers(tagged, 4);
          case "$f64":
            return unpackNumbers(tagged, 8);
          case "$float":
            return Buffer.from(tagged, "base64").readDoubleLE(0);
          case "$integer":
            return Buffer.from(tagged, "base64").readBigInt64LE(0);
          case "$bytes": {
            const bytes = Buffer.from(tagged, "base64");
            const out = new Uint8Array(bytes.byteLength);
            out.set(bytes);
            return out.buffer;
          }
        }
      }
      return jsonToConvex(object as never);
    }
    for (const key of keys) {
      const value = object[key];
      if (value !== null && typeof value === "object") object[key] = unpackJson(value);
    }
  }
  return json;
}

/**
 * Convex JSON (possibly compact) → a Convex value. Without any `$` tag in its line,
 * parsed JSON already is the value (plain objects, arrays, strings, numbers, booleans,
 * null) and is taken as is; otherwise its tagged values are decoded in place
 * (unpackJson).
 */
function decodeJson(json: unknown, tagged: boolean): Value {
  return (tagged ? unpackJson(json) : json) as Value;
}

/** Whether a line may hold tagged values (looked up once per line: a log line can hold 100 documents). */
function tagsOf(text: string): boolean {
  return text.includes('"$');
}

function decodeRecord(line: string): CommitRecord {
  const raw = JSON.parse(line) as { ts: string; n: number; c: number; w: Array<[string, unknown]> };
  const tags = tagsOf(line);

  if (typeof raw.ts !== "string" || typeof raw.n !== "number" || !Array.isArray(raw.w)) {
    throw new Error("malformed log record");
  }
  return {
    ts: BigInt(raw.ts),
    nextDocId: raw.n,
    lastCreationTime: raw.c,
    writes: raw.w.map(([id, doc]) => [
      id,
      doc === null ? null : (decodeJson(doc, tags) as StoredDocument),
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
