// Documents by the values of an index's first k fields, for index range queries that
// start with equalities (`q.eq("status", s).eq("kind", k)`): convex-test would scan the
// whole table, and a key on the first field alone still reads every document with that
// value (all completed jobs, all "jobs" counters of the year); these maps confine the
// query to the documents matching its whole equality prefix. A map is built the first
// time a query needs it (one pass over the table) and kept up to date on every commit
// afterwards, so only the prefixes the app queries cost memory, and nothing is built
// at start. The result is a superset: convex-test still evaluates the range, filters
// and order on it.
import { jsonToConvex, type Value } from "convex/values";
import { compareFast } from "./committed-range.ts";
import { valueKey } from "./index-keys.ts";

interface RangeExpression {
  type: string;
  fieldPath: string;
  value: unknown;
}

interface PrefixMap {
  fields: string[];
  ids: Map<string, Set<string>>;
  /** The index's field after the prefix, if any: each key's ids are also kept sorted by it. */
  nextField: string | undefined;
  sorted: Map<string, SortedIds>;
}

/** Ids ordered by their value of the next field, then id (parallel arrays). */
interface SortedIds {
  values: Array<Value | undefined>;
  ids: string[];
}

function compareEntry(a: Value | undefined, aId: string, b: Value | undefined, bId: string) {
  const cmp = compareFast(a, b);
  if (cmp !== 0) return cmp;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** First position whose entry is not before (value, id). */
function lowerBound(sorted: SortedIds, value: Value | undefined, id: string): number {
  let lo = 0;
  let hi = sorted.ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntry(sorted.values[mid], sorted.ids[mid] as string, value, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position whose value is after `value` (`strict`: not before it). */
function valueBound(sorted: SortedIds, value: Value | undefined, after: boolean): number {
  let lo = 0;
  let hi = sorted.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareFast(sorted.values[mid], value);
    if (cmp < 0 || (after && cmp === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function decodeBound(value: unknown): Value | undefined {
  if (typeof value === "object" && value !== null && "$undefined" in value) return undefined;
  return jsonToConvex(value as never);
}

function fieldValue(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Scalars only: an object's JSON could list its keys in another order than the document's. */
function isScalarJson(value: unknown): boolean {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

export class EqualityPrefixIndexes {
  /** "table\0index\0k" → map; per table, the maps to maintain. */
  private readonly maps = new Map<string, PrefixMap>();
  private readonly byTable = new Map<string, PrefixMap[]>();

  /**
   * The ids matching the range's equality prefix on `fields` (the index's fields),
   * or null when the range does not start with an equality on a scalar.
   * `tableDocs` lists the table's committed documents (to build a new map).
   */
  candidates(
    table: string,
    index: string,
    fields: string[],
    range: RangeExpression[] | undefined,
    tableDocs: () => Iterable<[string, Record<string, unknown>]>,
  ): Iterable<string> | null {
    let k = 0;
    const parts: string[] = [];
    while (
      range !== undefined &&
      k < range.length &&
      k < fields.length &&
      range[k]?.type === "Eq" &&
      range[k]?.fieldPath === fields[k] &&
      isScalarJson(range[k]?.value)
    ) {
      parts.push(JSON.stringify(range[k]?.value));
      k++;
    }
    if (k === 0) return null;
    const name = `${table}\u0000${index}\u0000${k}`;
    let map = this.maps.get(name);
    if (map === undefined) {
      map = { fields: fields.slice(0, k), ids: new Map(), nextField: fields[k], sorted: new Map() };
      for (const [id, doc] of tableDocs()) this.add(map, id, doc);
      this.maps.set(name, map);
      const list = this.byTable.get(table) ?? [];
      list.push(map);
      this.byTable.set(table, list);
    }
    const key = parts.join("\u0001");
    const ids = map.ids.get(key);
    if (ids === undefined) return [];
    // Bounds on the next field (`.gte("finishedAt", t)`): only the ids between them.
    const sorted = map.sorted.get(key);
    let lo = 0;
    let hi = sorted?.ids.length ?? 0;
    let bounded = false;
    for (const expr of range?.slice(k) ?? []) {
      if (sorted === undefined || expr.fieldPath !== map.nextField) break;
      const value = decodeBound(expr.value);
      if (expr.type === "Gt") lo = Math.max(lo, valueBound(sorted, value, true));
      else if (expr.type === "Gte") lo = Math.max(lo, valueBound(sorted, value, false));
      else if (expr.type === "Lt") hi = Math.min(hi, valueBound(sorted, value, false));
      else if (expr.type === "Lte") hi = Math.min(hi, valueBound(sorted, value, true));
      else break;
      bounded = true;
    }
    if (!bounded || sorted === undefined) return ids;
    return lo < hi ? sorted.ids.slice(lo, hi) : [];
  }

  /** Keeps every built map of the table in step with a committed write. */
  update(table: string, id: string, doc: Record<string, unknown>, present: boolean): void {
    const maps = this.byTable.get(table);
    if (maps === undefined) return;
    for (const map of maps) {
      if (present) this.add(map, id, doc);
      else {
        const key = this.keyOf(map, doc);
        const ids = map.ids.get(key);
        ids?.delete(id);
        if (ids?.size === 0) map.ids.delete(key);
        const sorted = map.sorted.get(key);
        if (sorted !== undefined && map.nextField !== undefined) {
          const at = lowerBound(sorted, fieldValue(doc, map.nextField) as Value, id);
          if (sorted.ids[at] === id) {
            sorted.ids.splice(at, 1);
            sorted.values.splice(at, 1);
          }
          if (sorted.ids.length === 0) map.sorted.delete(key);
        }
      }
    }
  }

  private keyOf(map: PrefixMap, doc: Record<string, unknown>): string {
    return map.fields.map((field) => valueKey(fieldValue(doc, field))).join("\u0001");
  }

  private add(map: PrefixMap, id: string, doc: Record<string, unknown>): void {
    const key = this.keyOf(map, doc);
    let ids = map.ids.get(key);
    if (ids === undefined) {
      ids = new Set();
      map.ids.set(key, ids);
    }
    ids.add(id);
    if (map.nextField !== undefined) {
      let sorted = map.sorted.get(key);
      if (sorted === undefined) {
        sorted = { values: [], ids: [] };
        map.sorted.set(key, sorted);
      }
      const value = fieldValue(doc, map.nextField) as Value | undefined;
      const at = lowerBound(sorted, value, id);
      if (sorted.ids[at] !== id) {
        sorted.ids.splice(at, 0, id);
        sorted.values.splice(at, 0, value);
      }
    }
  }
}
