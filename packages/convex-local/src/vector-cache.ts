// Exact vector search with the per-document work done once: each committed
// document's vector (the document's own array, never copied: documents are not
// mutated in place, and 20,000 copies of 1536 values cost 123 MB) with its sum of
// squares, and its
// filter-field values as equality keys, updated on every commit. Scores are
// computed with the same operations, in the same order, as convex-test's
// cosine similarity, so results (and their `_score`) are identical to its scan;
// only the repeated work per query is gone.
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

export class VectorIndexCache {
  readonly spec: VectorIndexSpec;
  private readonly entries = new Map<string, Entry>();

  constructor(spec: VectorIndexSpec) {
    this.spec = spec;
  }

  get size(): number {
    return this.entries.size;
  }

  add(id: string, doc: Record<string, unknown>): void {
    this.entries.delete(id);
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
    this.entries.set(id, { id, vector, sumSquares, filterKeys });
  }

  remove(id: string): void {
    this.entries.delete(id);
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
    const scored: Array<{ _id: string; _score: number }> = [];
    for (const entry of this.entries.values()) {
      if (!predicate(entry)) continue;
      const v = entry.vector;
      let dot = 0.0;
      for (let i = 0; i < q.length; i++) dot += (q[i] as number) * (v[i] as number);
      const score =
        normA === 0 || entry.sumSquares === 0
          ? 0
          : dot / (Math.sqrt(normA) * Math.sqrt(entry.sumSquares));
      scored.push({ _id: entry.id, _score: score });
    }
    scored.sort((a, b) => b._score - a._score);
    return scored.slice(0, limit);
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
