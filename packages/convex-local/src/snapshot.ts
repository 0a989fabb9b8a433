// Snapshot export and import in Convex's ZIP format (what `convex export` /
// `convex import` and the Convex backend's crates/exports and
// snapshot_import read and write):
//   README.md
//   _tables/documents.jsonl          {"name": <table>, "id": <table number>} per user table
//   <table>/documents.jsonl          one document per line, "export JSON": int64 as a
//                                    JSON integer, float64 always with a fraction or
//                                    exponent (or {"$float": base64} when not finite),
//                                    bytes as {"$bytes": base64}
//   <table>/generated_schema.jsonl   "uniform"
//   _storage/documents.jsonl         {_id, _creationTime, sha256, size, contentType}
//   _storage/<id>[.<ext>]            the bytes of each file (with --include-file-storage)
// Ids are written as Convex ids (convex-ids.ts): the same 128 bits as the
// local ids, with the table numbers of `_tables`; string values that are ids
// of an exported table are translated the same way, both directions.
import { convexToJson, type Value } from "convex/values";
import { decodeConvexId, encodeConvexId, localIdOf, parseLocalId } from "./convex-ids.ts";
import type { StoredDocument } from "./durable-store.ts";
import { readZip, ZipWriter } from "./zip.ts";

const README = `# Welcome to your Convex snapshot export!

This ZIP file contains a snapshot of the tables in your Convex deployment.

Documents for each table are listed as lines of JSON in
<table_name>/documents.jsonl files.

For details on the format and how to use this snapshot with npx convex import,
check out [the docs](https://docs.convex.dev/database/import-export/export) or
ask us in [Discord](http://convex.dev/community).

(Exported by convex-local, the embedded offline runtime.)
`;

/** User tables are numbered from here in export order (real deployments number them alike). */
const FIRST_TABLE_NUMBER = 10001;

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/svg+xml": "svg",
  "text/plain": "txt",
  "text/csv": "csv",
  "text/html": "html",
  "application/json": "json",
  "application/zip": "zip",
};

/** A Convex value as export JSON text (lossless: see the header). */
export function exportJson(value: Value | undefined): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "number": {
      if (!Number.isFinite(value)) return JSON.stringify(convexToJson(value));
      if (Object.is(value, -0)) return "-0.0";
      const text = String(value);
      return /[.eE]/.test(text) ? text : `${text}.0`;
    }
    default:
      break;
  }
  if (value instanceof ArrayBuffer) return JSON.stringify(convexToJson(value));
  if (Array.isArray(value)) return `[${value.map((v) => exportJson(v)).join(",")}]`;
  // Keys in sorted order, as the Convex backend writes them (a BTreeMap).
  const fields = Object.entries(value as Record<string, Value | undefined>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${exportJson(v)}`);
  return `{${fields.join(",")}}`;
}

/**
 * Parses export JSON: integer literals are int64 (bigint), other numbers
 * float64; `{"$bytes": …}`, `{"$float": …}`, `{"$integer": …}` are decoded.
 */
export function parseExportJson(text: string): Value {
  const raw = SOURCE_TEXT_ACCESS
    ? (JSON.parse(text, (_key, value, context?: { source?: string }) =>
        typeof value === "number" && context?.source !== undefined && /^-?\d+$/.test(context.source)
          ? BigInt(context.source)
          : value,
      ) as unknown)
    : parseJsonKeepingIntegers(text);
  return decodeSpecial(raw);
}

/** Whether JSON.parse gives revivers the source text (Bun, Node 21+). */
const SOURCE_TEXT_ACCESS = (() => {
  let seen = false;
  JSON.parse("1", (_key, value, context?: { source?: string }) => {
    seen = context?.source === "1";
    return value;
  });
  return seen;
})();

// Sticky: matched at `lastIndex` without copying the rest of the text.
const JSON_LITERAL = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** JSON.parse where integer literals become bigints (engines without source text access). */
function parseJsonKeepingIntegers(text: string): unknown {
  let pos = 0;
  const ws = () => {
    while (pos < text.length && " \t\n\r".includes(text[pos] as string)) pos++;
  };
  const value = (): unknown => {
    ws();
    const char = text[pos];
    if (char === "{" || char === "[") {
      pos++;
      const object = char === "{";
      const out: Record<string, unknown> | unknown[] = object ? {} : [];
      ws();
      if (text[pos] === (object ? "}" : "]")) {
        pos++;
        return out;
      }
      for (;;) {
        if (object) {
          const key = value() as string;
          ws();
          if (text[pos++] !== ":") throw new SyntaxError(`Expected ':' at position ${pos - 1}`);
          (out as Record<string, unknown>)[key] = value();
        } else {
          (out as unknown[]).push(value());
        }
        ws();
        const next = text[pos++];
        if (next === (object ? "}" : "]")) return out;
        if (next !== ",") throw new SyntaxError(`Expected ',' at position ${pos - 1}`);
      }
    }
    JSON_LITERAL.lastIndex = pos;
    const literal = JSON_LITERAL.exec(text);
    if (!literal) throw new SyntaxError(`Invalid JSON at position ${pos}`);
    pos += literal[0].length;
    return /^-?\d+$/.test(literal[0]) ? BigInt(literal[0]) : JSON.parse(literal[0]);
  };
  const out = value();
  ws();
  if (pos !== text.length) throw new SyntaxError(`Unexpected data at position ${pos}`);
  return out;
}

function decodeSpecial(value: unknown): Value {
  if (Array.isArray(value)) return value.map(decodeSpecial);
  if (value === null || typeof value !== "object") return value as Value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined && first[0].startsWith("$")) {
    const [key, payload] = first;
    if (key === "$bytes" && typeof payload === "string") {
      const bytes = Buffer.from(payload, "base64");
      return bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer;
    }
    if (key === "$float" && typeof payload === "string") {
      return Buffer.from(payload, "base64").readDoubleLE(0);
    }
    if (key === "$integer" && typeof payload === "string") {
      return Buffer.from(payload, "base64").readBigInt64LE(0);
    }
  }
  const out: Record<string, Value> = {};
  for (const [k, v] of entries) out[k] = decodeSpecial(v);
  return out;
}

/** Rewrites every string that `translate` recognizes as an id (recursively). */
function mapIds(value: Value, translate: (s: string) => string | null): Value {
  if (typeof value === "string") return translate(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => mapIds(v, translate));
  if (value === null || typeof value !== "object" || value instanceof ArrayBuffer) return value;
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mapIds(v as Value, translate);
  return out;
}

export interface ExportSource {
  tables: string[];
  documents(table: string): StoredDocument[];
  readBlob(sha256: string): Uint8Array | null;
}

export interface ExportSummary {
  tables: number;
  documents: number;
  files: number;
  bytes: number;
}

/** Writes a snapshot ZIP of `source` to `path`. */
export function writeSnapshotZip(
  path: string,
  source: ExportSource,
  includeStorage: boolean,
): ExportSummary {
  const userTables = source.tables.filter((t) => !t.startsWith("_")).sort();
  const numbers = new Map<string, number>();
  for (const [i, table] of userTables.entries()) numbers.set(table, FIRST_TABLE_NUMBER + i);
  numbers.set("_storage", FIRST_TABLE_NUMBER + userTables.length);
  const toConvex = (id: string): string | null => {
    const parsed = parseLocalId(id);
    if (parsed === null) return null;
    const number = numbers.get(parsed.table);
    return number === undefined ? null : encodeConvexId(number, parsed.internalId);
  };
  const zip = new ZipWriter(path);
  const summary: ExportSummary = { tables: userTables.length, documents: 0, files: 0, bytes: 0 };
  try {
    zip.add("README.md", README);
    zip.add(
      "_tables/documents.jsonl",
      userTables.map((name) => `${JSON.stringify({ name, id: numbers.get(name) })}\n`).join(""),
    );
    for (const table of userTables) {
      const lines: string[] = [];
      for (const doc of source.documents(table)) {
        lines.push(`${exportJson(mapIds(doc, toConvex))}\n`);
      }
      summary.documents += lines.length;
      zip.add(`${table}/documents.jsonl`, lines.join(""));
      zip.add(`${table}/generated_schema.jsonl`, '"uniform"\n');
    }
    const files = source.documents("_storage");
    zip.add(
      "_storage/documents.jsonl",
      files
        .map((file) => {
          const meta: Record<string, Value> = {
            _id: toConvex(file._id) ?? file._id,
            _creationTime: file._creationTime,
            sha256: file.sha256 ?? null,
            size: typeof file.size === "number" ? BigInt(file.size) : (file.size ?? null),
            contentType: file.contentType ?? null,
          };
          return `${exportJson(meta)}\n`;
        })
        .join(""),
    );
    if (includeStorage) {
      for (const file of files) {
        const bytes = source.readBlob(String(file.sha256));
        if (bytes === null) throw new Error(`The bytes of file ${file._id} are missing.`);
        const ext =
          EXTENSIONS[
            String(file.contentType ?? "")
              .split(";")[0]
              ?.trim() ?? ""
          ];
        zip.add(`_storage/${toConvex(file._id)}${ext ? `.${ext}` : ""}`, bytes);
        summary.files += 1;
        summary.bytes += bytes.byteLength;
      }
    }
  } finally {
    zip.close();
  }
  return summary;
}

export interface ParsedSnapshot {
  /** Documents per table, with local ids. */
  tables: Map<string, StoredDocument[]>;
  /** File bytes by local storage id. */
  files: Map<string, Uint8Array>;
}

const STORAGE_FILE = /^(?:.*\/)?_storage\/([^/.]+)(?:\.[^/]+)?$/;
const DOCUMENTS = /^([^/]+)\/documents\.jsonl$/;

function jsonLines(text: string): Value[] {
  const out: Value[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    out.push(parseExportJson(line));
  }
  return out;
}

/** Reads a snapshot ZIP (written by a Convex deployment or convex-local). */
export function parseSnapshotZip(input: string | Buffer): ParsedSnapshot {
  const entries = readZip(input);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if ([...byName.keys()].some((name) => name.startsWith("_components/"))) {
    throw new Error("This snapshot has components: convex-local does not support components.");
  }
  const tableOfNumber = new Map<number, string>();
  const tablesEntry = byName.get("_tables/documents.jsonl");
  if (tablesEntry) {
    for (const row of jsonLines(tablesEntry.read().toString("utf8"))) {
      const { name, id } = row as { name: string; id: bigint | number };
      tableOfNumber.set(Number(id), name);
    }
  }
  const raw = new Map<string, Value[]>();
  for (const entry of entries) {
    const match = DOCUMENTS.exec(entry.name);
    if (!match) continue;
    const table = match[1] as string;
    if (table.startsWith("_") && table !== "_storage") continue;
    const docs = jsonLines(entry.read().toString("utf8"));
    raw.set(table, docs);
    // Tables without `_tables` (hand-made snapshots): the number of their first id.
    const first = docs[0] as { _id?: unknown } | undefined;
    const decoded = typeof first?._id === "string" ? decodeConvexId(first._id) : null;
    if (decoded !== null && !tableOfNumber.has(decoded.tableNumber)) {
      tableOfNumber.set(decoded.tableNumber, table);
    }
  }
  const toLocal = (s: string): string | null => {
    const decoded = decodeConvexId(s);
    if (decoded === null) return null;
    const table = tableOfNumber.get(decoded.tableNumber);
    return table === undefined ? null : localIdOf(table, decoded.internalId);
  };
  const tables = new Map<string, StoredDocument[]>();
  for (const [table, docs] of raw) {
    tables.set(
      table,
      docs.map((doc) => {
        const mapped = mapIds(doc, toLocal) as Record<string, Value>;
        const id =
          typeof mapped._id === "string" && parseLocalId(mapped._id)?.table === table
            ? mapped._id
            : null;
        if (id === null) throw new Error(`A document of ${table} has no valid _id.`);
        const creation = mapped._creationTime;
        if (table === "_storage") {
          // Only the fields the runtime keeps (`internalId` is the backend's blob key).
          const meta: Record<string, Value> = { sha256: mapped.sha256 ?? null };
          if (mapped.size !== undefined && mapped.size !== null) meta.size = Number(mapped.size);
          if (typeof mapped.contentType === "string") meta.contentType = mapped.contentType;
          return {
            ...meta,
            _id: id,
            _creationTime: creation === undefined ? Date.now() : Number(creation),
          } as StoredDocument;
        }
        return {
          ...mapped,
          _id: id,
          _creationTime: creation === undefined ? Date.now() : Number(creation),
        } as StoredDocument;
      }),
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of entries) {
    const match = STORAGE_FILE.exec(entry.name);
    if (!match || entry.name.endsWith("documents.jsonl")) continue;
    const local = toLocal(match[1] as string);
    if (local !== null) files.set(local, entry.read());
  }
  return { tables, files };
}

/** One table of JSON lines or a JSON array (`convex import --table`), ids generated. */
export function parseTableFile(format: string, text: string): Value[] {
  if (format === "jsonLines") return jsonLines(text);
  if (format === "jsonArray") {
    const parsed = parseExportJson(text);
    if (!Array.isArray(parsed)) throw new Error("A jsonArray import must be a JSON array.");
    return parsed;
  }
  throw new Error(`convex-local imports zip, jsonLines and jsonArray files, not ${format}.`);
}
