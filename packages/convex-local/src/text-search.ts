// Full-text search indexes for convex-local: an inverted index per `searchIndex`
// of the schema, ranked with BM25, following what Convex documents for its own
// search (https://docs.convex.dev/search/text-search):
// - text is tokenized like Tantivy's `SimpleTokenizer` (runs of Unicode letters
//   and digits), tokens of 32 bytes or more are dropped, the rest lowercased.
//   Convex does not fold accents ("derivee" does not find "dérivée"), so
//   neither do we;
// - at most 16 query terms; the last one also matches as a prefix;
// - a document matches when it contains at least one query term; results come
//   in relevance order, equal scores newest first, at most 1024 of them;
// - filter fields are exact equality filters.
// Pure data structures: the engine feeds committed documents in and asks for
// ranked ids.
import { convexToJson, type Value } from "convex/values";

export const MAX_QUERY_TERMS = 16;
/** Tantivy's `RemoveLongFilter::limit(32)` keeps tokens shorter than 32 UTF-8 bytes. */
export const MAX_TERM_BYTES = 32;
export const MAX_SEARCH_RESULTS = 1024;
const K1 = 1.2;
const B = 0.75;

const WORD = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/gu;
const encoder = new TextEncoder();

function utf8Length(token: string): number {
  // ASCII fast path: one byte per UTF-16 unit.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point.
  return /^[\u0000-\u007f]*$/.test(token) ? token.length : encoder.encode(token).byteLength;
}

/** Splits text into search terms (Tantivy SimpleTokenizer + RemoveLongFilter(32) + LowerCaser). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const token = match[0];
    if (utf8Length(token) >= MAX_TERM_BYTES) continue;
    out.push(token.toLowerCase());
  }
  return out;
}

export interface QueryTerm {
  term: string;
  prefix: boolean;
}

/** The terms of a search string: distinct, at most 16, the last one a prefix. */
export function parseSearchQuery(query: string): QueryTerm[] {
  const terms = tokenize(query).slice(0, MAX_QUERY_TERMS);
  const out: QueryTerm[] = [];
  terms.forEach((term, i) => {
    const prefix = i === terms.length - 1;
    const existing = out.find((q) => q.term === term);
    if (existing) existing.prefix ||= prefix;
    else out.push({ term, prefix });
  });
  return out;
}

/** Okapi BM25 weight of one term in one document. */
export function bm25(
  tf: number,
  docLength: number,
  avgDocLength: number,
  docCount: number,
  docFrequency: number,
): number {
  const idf = Math.log(1 + (docCount - docFrequency + 0.5) / (docFrequency + 0.5));
  const norm = avgDocLength > 0 ? docLength / avgDocLength : 1;
  return (idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + B * norm));
}

export function fieldValue(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Equality key of a document's field value (`undefined` = missing field). */
export function filterKeyOfValue(value: unknown): string {
  if (value === undefined) return "u";
  try {
    return `v${canonicalJson(convexToJson(value as Value))}`;
  } catch {
    return `x${String(value)}`;
  }
}

/** Equality key of a query's filter value, given as Convex JSON (`{$undefined: null}` = missing). */
export function filterKeyOfJson(json: unknown): string {
  if (json !== null && typeof json === "object" && "$undefined" in json) return "u";
  return `v${canonicalJson(json)}`;
}

export interface SearchIndexSpec {
  /** "table.index" as in `withSearchIndex` query sources. */
  name: string;
  table: string;
  searchField: string;
  filterFields: string[];
}

interface AnalyzedDoc {
  length: number;
  creationTime: number;
  /** term → frequency */
  terms: Map<string, number>;
  /** One key per filter field, in `filterFields` order. */
  filterKeys: string[];
}

export interface RankedDoc {
  id: string;
  score: number;
  creationTime: number;
}

export interface SearchRequest {
  query: string;
  /** Required equality per filter field. */
  filters: Array<{ field: string; key: string }>;
  /**
   * Uncommitted writes of the running transaction: these documents replace
   * (or, when null, hide) their committed version.
   */
  pending?: Map<string, Record<string, unknown> | null>;
}

/** Relevance order: higher score first, then newer, then id (a total order). */
export function compareRanked(a: RankedDoc, b: RankedDoc): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.creationTime !== b.creationTime) return b.creationTime - a.creationTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Documents containing one term: parallel arrays of slots and term frequencies. */
interface Posting {
  slots: number[];
  tfs: number[];
  /** Entries whose slot is still live (the document frequency). */
  live: number;
}

/**
 * An inverted index over one search field. Documents live in numbered slots
 * (typed per-slot arrays make scoring a tight loop); removing a document
 * frees its slot lazily: its posting entries are skipped, then dropped when a
 * posting is mostly dead, and slots are renumbered once most are dead.
 */
export class TextSearchIndex {
  readonly spec: SearchIndexSpec;
  private readonly postings = new Map<string, Posting>();
  private readonly slotOf = new Map<string, number>();
  // Per slot; a freed slot has length -1.
  private ids: string[] = [];
  private lengths: number[] = [];
  private creationTimes: number[] = [];
  private slotTerms: Array<string[] | null> = [];
  /** filterKeys[field][slot] */
  private filterKeys: string[][];
  private totalLength = 0;
  /** Vocabulary in code-unit order for prefix lookups, rebuilt lazily after it changes. */
  private sortedTerms: string[] | null = [];
  // Scratch space for scoring, reused across queries.
  private scores = new Float64Array(0);
  private stamps = new Uint32Array(0);
  private stamp = 0;

  constructor(spec: SearchIndexSpec) {
    this.spec = spec;
    this.filterKeys = spec.filterFields.map(() => []);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  private analyze(doc: Record<string, unknown>): AnalyzedDoc | null {
    const text = fieldValue(doc, this.spec.searchField);
    // Like Convex, documents whose search field is not a string are not in the index.
    if (typeof text !== "string") return null;
    const tokens = tokenize(text);
    const terms = new Map<string, number>();
    for (const token of tokens) terms.set(token, (terms.get(token) ?? 0) + 1);
    const creation = doc._creationTime;
    return {
      length: tokens.length,
      creationTime: typeof creation === "number" ? creation : 0,
      terms,
      filterKeys: this.spec.filterFields.map((field) => filterKeyOfValue(fieldValue(doc, field))),
    };
  }

  /** Indexes (or re-indexes) a committed document. */
  add(id: string, doc: Record<string, unknown>): void {
    this.remove(id);
    const analyzed = this.analyze(doc);
    if (analyzed === null) return;
    const slot = this.ids.length;
    this.slotOf.set(id, slot);
    this.ids.push(id);
    this.lengths.push(analyzed.length);
    this.creationTimes.push(analyzed.creationTime);
    this.slotTerms.push([...analyzed.terms.keys()]);
    analyzed.filterKeys.forEach((key, f) => {
      (this.filterKeys[f] as string[])[slot] = key;
    });
    this.totalLength += analyzed.length;
    for (const [term, tf] of analyzed.terms) {
      let posting = this.postings.get(term);
      if (posting === undefined) {
        posting = { slots: [], tfs: [], live: 0 };
        this.postings.set(term, posting);
        this.sortedTerms = null;
      }
      posting.slots.push(slot);
      posting.tfs.push(tf);
      posting.live += 1;
    }
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.totalLength -= this.lengths[slot] as number;
    this.lengths[slot] = -1;
    for (const term of this.slotTerms[slot] ?? []) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      posting.live -= 1;
      if (posting.live === 0) {
        this.postings.delete(term);
        this.sortedTerms = null;
      } else if (posting.live * 2 < posting.slots.length && posting.slots.length > 16) {
        this.compactPosting(posting);
      }
    }
    this.slotTerms[slot] = null;
    if (this.ids.length > 1024 && this.slotOf.size * 2 < this.ids.length) this.renumber();
  }

  private compactPosting(posting: Posting): void {
    const slots: number[] = [];
    const tfs: number[] = [];
    for (let i = 0; i < posting.slots.length; i++) {
      const slot = posting.slots[i] as number;
      if ((this.lengths[slot] as number) >= 0) {
        slots.push(slot);
        tfs.push(posting.tfs[i] as number);
      }
    }
    posting.slots = slots;
    posting.tfs = tfs;
  }

  /** Renumbers live documents into dense slots (after many removals). */
  private renumber(): void {
    const map = new Int32Array(this.ids.length).fill(-1);
    const ids: string[] = [];
    const lengths: number[] = [];
    const creationTimes: number[] = [];
    const slotTerms: Array<string[] | null> = [];
    const filterKeys: string[][] = this.filterKeys.map(() => []);
    for (let slot = 0; slot < this.ids.length; slot++) {
      if ((this.lengths[slot] as number) < 0) continue;
      const next = ids.length;
      map[slot] = next;
      ids.push(this.ids[slot] as string);
      lengths.push(this.lengths[slot] as number);
      creationTimes.push(this.creationTimes[slot] as number);
      slotTerms.push(this.slotTerms[slot] ?? null);
      this.filterKeys.forEach((keys, f) => {
        (filterKeys[f] as string[])[next] = keys[slot] as string;
      });
      this.slotOf.set(this.ids[slot] as string, next);
    }
    for (const posting of this.postings.values()) {
      const slots: number[] = [];
      const tfs: number[] = [];
      for (let i = 0; i < posting.slots.length; i++) {
        const slot = map[posting.slots[i] as number] as number;
        if (slot >= 0) {
          slots.push(slot);
          tfs.push(posting.tfs[i] as number);
        }
      }
      posting.slots = slots;
      posting.tfs = tfs;
    }
    this.ids = ids;
    this.lengths = lengths;
    this.creationTimes = creationTimes;
    this.slotTerms = slotTerms;
    this.filterKeys = filterKeys;
  }

  /** Indexed terms starting with `prefix` (including `prefix` itself). */
  termsWithPrefix(prefix: string): string[] {
    if (this.sortedTerms === null) this.sortedTerms = [...this.postings.keys()].sort();
    const terms = this.sortedTerms;
    let lo = 0;
    let hi = terms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((terms[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < terms.length && (terms[i] as string).startsWith(prefix); i++) {
      out.push(terms[i] as string);
    }
    return out;
  }

  /** Matching documents in relevance order (at most 1024). */
  search(request: SearchRequest): RankedDoc[] {
    const queryTerms = parseSearchQuery(request.query);
    if (queryTerms.length === 0) return [];
    const filters = request.filters.map(({ field, key }) => {
      const index = this.spec.filterFields.indexOf(field);
      if (index < 0) {
        throw new Error(
          `Search index "${this.spec.name}" has no filter field "${field}" (filterFields: ${JSON.stringify(this.spec.filterFields)}).`,
        );
      }
      return { keys: this.filterKeys[index] as string[], analyzedIndex: index, key };
    });
    const pending = request.pending;
    const hidden = new Set<number>();
    if (pending !== undefined) {
      for (const id of pending.keys()) {
        const slot = this.slotOf.get(id);
        if (slot !== undefined) hidden.add(slot);
      }
    }

    const docCount = this.slotOf.size;
    const avgLength = docCount > 0 ? this.totalLength / docCount : 0;

    // Each query term expands to the indexed terms it matches (itself, or
    // every term it prefixes); each expansion adds its BM25 weight.
    const expansions = new Set<string>();
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const { term, prefix } of queryTerms) {
      if (prefix) {
        prefixes.push(term);
        for (const t of this.termsWithPrefix(term)) expansions.add(t);
      } else {
        exact.add(term);
        expansions.add(term);
      }
    }

    const slotCount = this.ids.length;
    if (this.scores.length < slotCount) {
      const capacity = Math.max(slotCount, this.scores.length * 2, 1024);
      this.scores = new Float64Array(capacity);
      this.stamps = new Uint32Array(capacity);
      this.stamp = 0;
    }
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    const { scores, stamps, stamp, lengths } = this;
    const touched: number[] = [];
    const lengthWeight = avgLength > 0 ? (K1 * B) / avgLength : 0;
    const base = K1 * (1 - B) + (avgLength > 0 ? 0 : K1 * B);
    for (const term of expansions) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      const df = posting.live;
      const idf = Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
      const { slots, tfs } = posting;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        const length = lengths[slot] as number;
        if (length < 0) continue;
        if (filters.length > 0 && !filters.every((f) => f.keys[slot] === f.key)) continue;
        if (hidden.size > 0 && hidden.has(slot)) continue;
        const tf = tfs[i] as number;
        const weight = (idf * tf * (K1 + 1)) / (tf + base + lengthWeight * length);
        if (stamps[slot] !== stamp) {
          stamps[slot] = stamp;
          scores[slot] = weight;
          touched.push(slot);
        } else {
          scores[slot] = (scores[slot] as number) + weight;
        }
      }
    }

    // Only the best 1024 are ranked: find the score threshold first.
    let candidates = touched;
    if (touched.length > MAX_SEARCH_RESULTS) {
      const sorted = new Float64Array(touched.length);
      touched.forEach((slot, i) => {
        sorted[i] = scores[slot] as number;
      });
      sorted.sort();
      const threshold = sorted[sorted.length - MAX_SEARCH_RESULTS] as number;
      candidates = touched.filter((slot) => (scores[slot] as number) >= threshold);
    }
    const ranked: RankedDoc[] = candidates.map((slot) => ({
      id: this.ids[slot] as string,
      score: scores[slot] as number,
      creationTime: this.creationTimes[slot] as number,
    }));

    // Documents written by the running transaction, scored against the committed statistics.
    if (pending !== undefined) {
      for (const [id, value] of pending) {
        if (value === null) continue;
        const doc = this.analyze(value);
        if (doc === null || !filters.every((f) => doc.filterKeys[f.analyzedIndex] === f.key)) {
          continue;
        }
        let score = 0;
        let matched = false;
        for (const [term, tf] of doc.terms) {
          if (!exact.has(term) && !prefixes.some((p) => term.startsWith(p))) continue;
          matched = true;
          const df = this.postings.get(term)?.live ?? 0;
          score += bm25(tf, doc.length, avgLength || doc.length, Math.max(docCount, 1), df);
        }
        if (matched) ranked.push({ id, score, creationTime: doc.creationTime });
      }
    }

    ranked.sort(compareRanked);
    if (ranked.length > MAX_SEARCH_RESULTS) ranked.length = MAX_SEARCH_RESULTS;
    return ranked;
  }
}

interface SchemaSearchTables {
  forEach(
    callback: (
      table: {
        searchIndexes?: Array<{
          indexDescriptor: string;
          searchField: string;
          filterFields?: string[];
        }>;
      },
      name: string,
    ) => void,
  ): void;
}

/** Every (non-staged) search index declared in a schema. */
export function searchIndexSpecs(tables: SchemaSearchTables | undefined): SearchIndexSpec[] {
  const out: SearchIndexSpec[] = [];
  tables?.forEach((table, name) => {
    for (const index of table.searchIndexes ?? []) {
      out.push({
        name: `${name}.${index.indexDescriptor}`,
        table: name,
        searchField: index.searchField,
        filterFields: index.filterFields ?? [],
      });
    }
  });
  return out;
}
