// Keys naming "documents whose first indexed field has this value", per index:
// precise read sets, so a commit re-runs only the subscriptions it can affect
// (a superset of the exact answer). Narrowing the documents an index range query
// looks at is prefix-index.ts's (whole equality prefixes, built when queried).
import { convexToJson, type Value } from "convex/values";

export interface IndexInfo {
  /** Index name as used in `withIndex` ("by_channel", "by_id"…). */
  name: string;
  /** Its first field path. */
  field: string;
}

const SYSTEM_INDEXES: IndexInfo[] = [
  { name: "by_id", field: "_id" },
  { name: "by_creation_time", field: "_creationTime" },
];

interface SchemaTables {
  get(
    table: string,
  ): { indexes?: Array<{ indexDescriptor: string; fields: string[] }> } | undefined;
}

export function indexesOf(schemaTables: SchemaTables | undefined, table: string): IndexInfo[] {
  const declared = schemaTables?.get(table)?.indexes ?? [];
  return [
    ...SYSTEM_INDEXES,
    ...declared
      .filter((index) => index.fields.length > 0)
      .map((index) => ({ name: index.indexDescriptor, field: index.fields[0] as string })),
  ];
}

function fieldValue(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Key of a field value: the JSON of its Convex encoding ("$undefined" for a missing field). */
export function valueKey(value: unknown): string {
  if (value === undefined) return "$undefined";
  try {
    return JSON.stringify(convexToJson(value as Value));
  } catch {
    return "$unencodable";
  }
}

/** Key of an encoded (JSON) value as it appears in an index range. */
export function encodedValueKey(encoded: unknown): string | null {
  if (typeof encoded === "object" && encoded !== null && "$undefined" in encoded) return null;
  return JSON.stringify(encoded);
}

export function indexKey(table: string, index: string, key: string): string {
  return `${table}\u0000${index}\u0000${key}`;
}

/** The keys a document sits under, for each index of its table. */
export function documentKeys(
  table: string,
  doc: Record<string, unknown>,
  indexes: IndexInfo[],
): string[] {
  return indexes.map((index) =>
    indexKey(table, index.name, valueKey(fieldValue(doc, index.field))),
  );
}

interface RangeExpression {
  type: string;
  fieldPath: string;
  value: unknown;
}

/**
 * The key an index range query is confined to, when its range starts with an
 * equality on the index's first field; null when it may touch any document.
 */
export function rangeKey(
  indexName: string,
  range: RangeExpression[] | undefined,
  indexes: (table: string) => IndexInfo[],
): string | null {
  const [table, index] = indexName.split(".");
  if (!table || !index) return null;
  const first = range?.[0];
  if (first === undefined || first.type !== "Eq") return null;
  const info = indexes(table).find((candidate) => candidate.name === index);
  if (info === undefined || info.field !== first.fieldPath) return null;
  const key = encodedValueKey(first.value);
  return key === null ? null : indexKey(table, index, key);
}
