// Exact vector search with the per-document work done once: each committed
// document's vector (the document's own array, never copied: documents are not
// mutated in place, and 20,000 copies of 1536 values cost 123 MB) with its sum of
// squares, and its
// filter-field values as equality keys, updated on every commit. Scores are
// computed with the same operations, in the same order, as convex-test's
// cosine similarity, so results (and their `_score`) are identical to its scan;
// only the repeated work per query is gone. Entries are also grouped by filter value, so a
// filter of equalities on one field (`q.or(q.eq("scope", a), q.eq("scope", b))`, the app's
// only shape) scores only the documents it can match, and only the best `limit` are kept
// (no sort of every score).
import { isMarkedFloat32 } from "./log-records.ts";
import { fieldValue, filterKeyOfJson, filterKeyOfValue } from "./text-search.ts";

export interface VectorIndexSpec {
  /** "table.index" */
  name: string;
  table: string;
  vectorField: string;
  dimensions: number;
  filterFields: string[];
}

interface Entry {
  id: string;
  /** The document's own array. */
  vector: readonly number[];
  sumSquares: number;
  /** filter field → equality key */
  filterKeys: Map<string, string>;
  /** Order of the last add: ties in score keep the index order. */
  seq: number;
  /** Whether its vector can go in the column store (float32 values, finite, full length). */
  columnar: boolean;
  /** Its place in the column store (ColumnStore), or -1 when not there. */
  slot: number;
}

/** Slots per block of the column store. */
const BLOCK = 1024;

/**
 * The vectors again, as float32 columns (dimension-major within blocks of BLOCK slots): a
 * sparse query reads, for each of its non-zero dimensions, one contiguous run of values
 * instead of one value per document scattered over 20,000 arrays (memory latency, not
 * arithmetic, was the cost). Only vectors whose values are float32 numbers are stored, so a
 * value read back is the document's own, exactly; 4 bytes a value (123 MB for 20,000 × 1536).
 */
class ColumnStore {
  private readonly blocks: Float32Array[] = [];
  private readonly free: number[] = [];
  private used = 0;

  constructor(private readonly dimensions: number) {}

  get capacity(): number {
    return this.blocks.length * BLOCK;
  }

  put(vector: readonly number[]): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >= this.capacity) this.blocks.push(new Float32Array(this.dimensions * BLOCK));
    }
    const block = this.blocks[Math.floor(slot / BLOCK)] as Float32Array;
    const offset = slot % BLOCK;
    for (let i = 0; i < this.dimensions; i++) block[i * BLOCK + offset] = vector[i] as number;
    return slot;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  /** Dot products with every slot over the given dimensions, summed in their order. */
  sparseDots(query: Float64Array, dimensions: Int32Array): Float64Array {
    const dots = new Float64Array(this.capacity);
    for (let b = 0; b < this.blocks.length; b++) {
      const block = this.blocks[b] as Float32Array;
      const base = b * BLOCK;
      for (let k = 0; k < dimensions.length; k++) {
        const i = dimensions[k] as number;
        const qi = query[i] as number;
        const column = i * BLOCK;
        for (let s = 0; s < BLOCK; s++) {
          dots[base + s] = (dots[base + s] as number) + qi * (block[column + s] as number);
        }
      }
    }
    return dots;
  }
}

type Predicate = (entry: Entry) => boolean;

/**
 * Compiles a vector search filter (`q.eq` on filter fields, `q.or` of those),
 * or returns null for any other shape (the caller then falls back to convex-test).
 */
export function compileVectorFilter(expression: unknown, filterFields: string[]): Predicate | null {
  if (expression === null || typeof expression !== "object") return null;
  const node = expression as Record<string, unknown>;
  if (Array.isArray(node.$or)) {
    const children = node.$or.map((child) => compileVectorFilter(child, filterFields));
    if (children.some((c) => c === null)) return null;
    const predicates = children as Predicate[];
    return (entry) => predicates.some((p) => p(entry));
  }
  if (Array.isArray(node.$eq) && node.$eq.length === 2) {
    const [a, b] = node.$eq as Array<Record<string, unknown> | null>;
    const field =
      typeof a?.$field === "string" ? a.$field : typeof b?.$field === "string" ? b.$field : null;
    const literal =
      a !== null && a !== undefined && "$literal" in a
        ? a
        : b !== null && b !== undefined && "$literal" in b
          ? b
          : null;
    if (field === null || literal === null || !filterFields.includes(field)) return null;
    const key = filterKeyOfJson(literal.$literal);
    return (entry) => entry.filterKeys.get(field) === key;
  }
  return null;
}

/**
 * The (field, equality keys) a filter can only match, when it is equalities on one field (or
 * one equality), else null (every entry is a candidate).
 */
function narrowing(
  expression: unknown,
  filterFields: string[],
): { field: string; keys: string[] } | null {
  if (expression === null || typeof expression !== "object") return null;
  const node = expression as Record<string, unknown>;
  const children = Array.isArray(node.$or) ? node.$or : [node];
  let field: string | null = null;
  const keys: string[] = [];
  for (const child of children) {
    const eq = (child as Record<string, unknown> | null)?.$eq;
    if (!Array.isArray(eq) || eq.length !== 2) return null;
    const [a, b] = eq as Array<Record<string, unknown> | null>;
    const f =
      typeof a?.$field === "string" ? a.$field : typeof b?.$field === "string" ? b.$field : null;
    const literal = a && "$literal" in a ? a : b && "$literal" in b ? b : null;
    if (f === null || literal === null || !filterFields.includes(f)) return null;
    if (field !== null && f !== field) return null;
    field = f;
    keys.push(filterKeyOfJson(literal.$literal));
  }
  return field === null ? null : { field, keys };
}

export class VectorIndexCache {
  readonly spec: VectorIndexSpec;
  private readonly entries = new Map<string, Entry>();
  /** filter field → equality key → entries with that value */
  private readonly groups = new Map<string, Map<string, Set<Entry>>>();
  private nextSeq = 0;
  private readonly columns: ColumnStore;
  /** The column store is filled by the first sparse query (not at start), then kept up to date. */
  private columnsBuilt = false;

  constructor(spec: VectorIndexSpec) {
    this.spec = spec;
    this.columns = new ColumnStore(spec.dimensions);
  }

  get size(): number {
    return this.entries.size;
  }

  add(id: string, doc: Record<string, unknown>): void {
    this.remove(id);
    const value = fieldValue(doc, this.spec.vectorField);
    // Documents without a numeric vector are not in the index (as on Convex).
    if (!Array.isArray(value)) return;
    if (!isMarkedFloat32(value) && !value.every((x) => typeof x === "number")) return;
    const vector = value as number[];
    let sumSquares = 0.0;
    for (let i = 0; i < vector.length; i++)
      sumSquares += (vector[i] as number) * (vector[i] as number);
    const filterKeys = new Map<string, string>();
    for (const field of this.spec.filterFields) {
      filterKeys.set(field, filterKeyOfValue(fieldValue(doc, field)));
    }
    // In the column store only when every value reads back exactly from float32 and is
    // finite (a sum of squares that overflows only sends a vector to the row loop).
    const columnar =
      vector.length === this.spec.dimensions &&
      Number.isFinite(sumSquares) &&
      (isMarkedFloat32(vector) || vector.every((x) => Math.fround(x) === x));
    const slot = columnar && this.columnsBuilt ? this.columns.put(vector) : -1;
    const entry = { id, vector, sumSquares, filterKeys, seq: this.nextSeq++, columnar, slot };
    this.entries.set(id, entry);
    for (const [field, key] of filterKeys) {
      const byKey = this.groups.get(field) ?? new Map<string, Set<Entry>>();
      this.groups.set(field, byKey);
      const group = byKey.get(key) ?? new Set<Entry>();
      byKey.set(key, group);
      group.add(entry);
    }
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    if (entry.slot >= 0) this.columns.release(entry.slot);
    for (const [field, key] of entry.filterKeys) {
      const byKey = this.groups.get(field);
      const group = byKey?.get(key);
      group?.delete(entry);
      if (group?.size === 0) byKey?.delete(key);
    }
  }

  /**
   * The entries a filter can match, in no particular order, and whether they all do (a filter
   * of equalities on one field, alone: its groups are exactly its matches).
   */
  private candidates(expressions: unknown[]): { entries: Iterable<Entry>; exact: boolean } {
    for (const expression of expressions) {
      const narrow = narrowing(expression, this.spec.filterFields);
      if (narrow === null) continue;
      const byKey = this.groups.get(narrow.field);
      const out: Entry[] = [];
      for (const key of new Set(narrow.keys)) {
        for (const entry of byKey?.get(key) ?? []) out.push(entry);
      }
      return { entries: out, exact: expressions.length === 1 };
    }
    return { entries: this.entries.values(), exact: expressions.length === 0 };
  }

  /**
   * The `limit` most similar documents passing `filter`, best first (ties in
   * index order), or null when the filter is not a supported shape.
   */
  search(
    query: number[],
    expressions: unknown[],
    limit: number,
  ): Array<{ _id: string; _score: number }> | null {
    let predicate: Predicate | null = () => true;
    if (expressions.length > 0) {
      const compiled = expressions.map((e) => compileVectorFilter(e, this.spec.filterFields));
      if (compiled.some((c) => c === null)) return null;
      const all = compiled as Predicate[];
      predicate = (entry) => all.every((p) => p(entry));
    }
    const q = Float64Array.from(query);
    let normA = 0.0;
    for (let i = 0; i < q.length; i++) normA += (q[i] as number) * (q[i] as number);
    // The best `limit` so far, best first; ties in index order (seq), as a stable sort of the
    // whole index would give.
    const top: Array<{ entry: Entry; score: number }> = [];
    const before = (a: { entry: Entry; score: number }, b: { entry: Entry; score: number }) =>
      a.score > b.score || (a.score === b.score && a.entry.seq < b.entry.seq);
    if (limit <= 0) return [];
    // A sparse query (the local embedder's: a few dozen hashed features among 1,536
    // dimensions) multiplies only its non-zero dimensions, in the same order, from the
    // column store: a term 0 × v[i] (v[i] finite) adds nothing to a sum that starts at +0,
    // so each dot product is bit-identical to the full loop's.
    const nonZero: number[] = [];
    for (let i = 0; i < q.length; i++) if (q[i] !== 0) nonZero.push(i);
    let sparseDots: Float64Array | null = null;
    if (nonZero.length * 4 < q.length) {
      if (!this.columnsBuilt) {
        for (const entry of this.entries.values()) {
          if (entry.columnar) entry.slot = this.columns.put(entry.vector);
        }
        this.columnsBuilt = true;
      }
      sparseDots = this.columns.sparseDots(q, Int32Array.from(nonZero));
    }
    const { entries, exact } = this.candidates(expressions);
    for (const entry of entries) {
      if (!exact && !predicate(entry)) continue;
      let dot = 0.0;
      if (sparseDots !== null && entry.slot >= 0) {
        dot = sparseDots[entry.slot] as number;
      } else {
        const v = entry.vector;
        for (let i = 0; i < q.length; i++) dot += (q[i] as number) * (v[i] as number);
      }
      const score =
        normA === 0 || entry.sumSquares === 0
          ? 0
          : dot / (Math.sqrt(normA) * Math.sqrt(entry.sumSquares));
      const item = { entry, score };
      if (top.length === limit && !before(item, top[limit - 1]!)) continue;
      let at = top.length;
      while (at > 0 && before(item, top[at - 1]!)) at--;
      top.splice(at, 0, item);
      if (top.length > limit) top.pop();
    }
    return top.map(({ entry, score }) => ({ _id: entry.id, _score: score }));
  }
}

interface SchemaVectorTables {
  forEach(
    callback: (
      table: {
        vectorIndexes?: Array<{
          indexDescriptor: string;
          vectorField: string;
          dimensions: number;
          filterFields?: string[];
        }>;
      },
      name: string,
    ) => void,
  ): void;
}

export function vectorIndexSpecs(tables: SchemaVectorTables | undefined): VectorIndexSpec[] {
  const out: VectorIndexSpec[] = [];
  tables?.forEach((table, name) => {
    for (const index of table.vectorIndexes ?? []) {
      out.push({
        name: `${name}.${index.indexDescriptor}`,
        table: name,
        vectorField: index.vectorField,
        dimensions: index.dimensions,
        filterFields: index.filterFields ?? [],
      });
    }
  });
  return out;
}
