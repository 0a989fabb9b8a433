// An index range query over committed documents, resolved as convex-test does
// (`_resolveQuerySource`: the documents in the range, sorted by the index's fields,
// then `_creationTime` and `_id`) but with the per-document work done once: the range
// bounds are decoded once per query instead of once per document and range
// expression, each document's sort key is read once, and fields every candidate
// shares (the equality prefix) are not compared. convex-test spent most of a
// dashboard's time there (thousands of counters per query). Only for committed
// documents: they carry no pending commit-timestamp placeholders, which convex-test
// resolves on every field read; the engine falls back to convex-test when the running
// transaction has written to the table.
import { compareValues, jsonToConvex, type Value } from "convex/values";
import type { StoredDocument } from "./log-records.ts";

export interface RangeExpression {
  type: string;
  fieldPath: string;
  value: unknown;
}

function fieldValue(doc: Record<string, unknown>, path: string): Value | undefined {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (value instanceof ArrayBuffer) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value as Value | undefined;
}

/**
 * Convex's order of two values (compareValues), answered directly for numbers and for
 * strings whose first difference is below U+D800 (where UTF-16 and UTF-8 orders agree).
 */
export function compareFast(a: Value | undefined, b: Value | undefined): number {
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return 0;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x === y) continue;
      if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1;
      return compareValues(a, b);
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b)) {
    if (a !== b) return a < b ? -1 : 1;
    // 0 and -0 differ in Convex's order.
    if (a === 0 && Object.is(a, -0) !== Object.is(b, -0)) return compareValues(a, b);
    return 0;
  }
  return compareValues(a, b);
}

/** The documents of `candidates` in the range, in index order (`order` applied). */
export function resolveCommittedRange(
  candidates: StoredDocument[],
  range: RangeExpression[],
  fieldPathsToSortBy: string[],
  order: "asc" | "desc",
): StoredDocument[] {
  const bounds = range.map((expr) => {
    const raw = expr.value;
    const value =
      typeof raw === "object" && raw !== null && "$undefined" in raw
        ? undefined
        : jsonToConvex(raw as never);
    return { type: expr.type, fieldPath: expr.fieldPath, value };
  });
  const inRange = (doc: StoredDocument) => {
    for (const bound of bounds) {
      const cmp = compareFast(fieldValue(doc, bound.fieldPath), bound.value);
      switch (bound.type) {
        case "Eq":
          if (cmp !== 0) return false;
          break;
        case "Gt":
          if (cmp <= 0) return false;
          break;
        case "Gte":
          if (cmp < 0) return false;
          break;
        case "Lt":
          if (cmp >= 0) return false;
          break;
        case "Lte":
          if (cmp > 0) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  };
  // Fields fixed by the leading equalities are equal on every result.
  let fixed = 0;
  while (
    fixed < bounds.length &&
    bounds[fixed]?.type === "Eq" &&
    bounds[fixed]?.fieldPath === fieldPathsToSortBy[fixed]
  ) {
    fixed++;
  }
  const sortFields = fieldPathsToSortBy.slice(fixed);
  const rows: Array<{ doc: StoredDocument; key: Array<Value | undefined> }> = [];
  for (const doc of candidates) {
    if (inRange(doc)) rows.push({ doc, key: sortFields.map((f) => fieldValue(doc, f)) });
  }
  const sign = order === "asc" ? 1 : -1;
  rows.sort((a, b) => {
    for (let i = 0; i < sortFields.length; i++) {
      const cmp = compareFast(a.key[i], b.key[i]);
      if (cmp !== 0) return cmp * sign;
    }
    return 0;
  });
  return rows.map((row) => row.doc);
}
