// The function runtime: convex-test's in-process implementation of Convex
// (database, indexes, search, validators) with what a server needs added
// around it — persistence of every commit, commit notifications, storage
// backed by files, real upload/serving URLs, a durable scheduler, per-call
// identity, log capture, read-set tracking and pagination journals.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { UserIdentity } from "convex/server";
import {
  convexToJson,
  getDocumentSize,
  type JSONValue,
  jsonToConvex,
  type Value,
} from "convex/values";
import { convexTest } from "convex-test";
import { resolveCommittedRange } from "./committed-range.ts";
import type {
  Accessor,
  ConvexGlobal,
  DatabaseFake,
  PageResult,
  PaginateArgs,
  QueryJson,
} from "./convex-test-internals.ts";
import { randomDocumentId, tableNameFromId } from "./document-ids.ts";
import type { DurableStore, PinnedBlob, StoredDocument, StoredState } from "./durable-store.ts";
import { FILE_URL_TOKEN, fileUrlToken } from "./file-url-tokens.ts";
import type { FunctionsFolder } from "./functions-folder.ts";
import { documentKeys, type IndexInfo, indexesOf, indexKey, rangeKey } from "./index-keys.ts";
import { createCapturingConsole, type LogSink } from "./log-lines.ts";
import { isFloat32Exact, isMarkedFloat32, markFloat32 } from "./log-records.ts";
import { EqualityPrefixIndexes } from "./prefix-index.ts";
import {
  compareRanked,
  filterKeyOfJson,
  type RankedDoc,
  searchIndexSpecs,
  TextSearchIndex,
} from "./text-search.ts";
import { VectorIndexCache, vectorIndexSpecs } from "./vector-cache.ts";
import { collectYoungGarbage } from "./young-garbage.ts";

// Kept importable from here (the scheduler and other modules use them).
export { randomDocumentId, tableNameFromId } from "./document-ids.ts";
export { FILE_URL_TOKEN } from "./file-url-tokens.ts";

/** `values` rounded to float32, or `values` itself when every element already is one. */
export function roundToFloat32(values: number[]): number[] {
  if (isFloat32Exact(values)) return values;
  return markFloat32(values.map((v) => Math.fround(v)));
}

// ---- public types ----

export type FunctionKind = "query" | "mutation" | "action" | "httpAction";

export interface FunctionInfo {
  kind: FunctionKind;
  visibility: "public" | "internal";
}

/**
 * What a query read: whole tables, index keys (see index-keys.ts), or `all`
 * when it did something that cannot be attributed.
 */
export interface ReadSet {
  tables: Set<string>;
  keys: Set<string>;
  all: boolean;
}

export function emptyReadSet(): ReadSet {
  return { tables: new Set(), keys: new Set(), all: false };
}

export interface CallAuth {
  identity: UserIdentity | null;
  /** Cache key for the identity (the raw token); "" when anonymous. */
  key: string;
  /**
   * Authenticated with the admin key (admin-key.ts): may call internal
   * functions and the `_system/` admin functions.
   */
  admin?: boolean;
}

export const ANONYMOUS: CallAuth = { identity: null, key: "" };

export type CallResult =
  | {
      ok: true;
      value: Value;
      /** `value` as Convex JSON, encoded once here (the HTTP API sends it as is). */
      valueJson?: JSONValue;
      logLines: string[];
      reads: ReadSet;
      journal: string | null;
      commitTs: bigint | null;
    }
  | {
      ok: false;
      message: string;
      data: Value | undefined;
      logLines: string[];
      reads: ReadSet;
      journal: string | null;
      commitTs: bigint | null;
    };

export interface CallOptions {
  auth?: CallAuth;
  /** Clients may call only public functions; the scheduler and crons run internal ones too. */
  publicOnly?: boolean;
  /** Pagination journal of a subscribed query (keeps its page boundaries stable). */
  journal?: string | null;
  /** Runs synchronously inside the top-level commit of this call (mutations). */
  onCommit?: (ts: bigint) => void;
}

/** One committed transaction, as reported to the rest of the runtime. */
export interface CommitEvent {
  ts: bigint;
  changes: Array<[string, StoredDocument | null]>;
  tables: Set<string>;
  /** Index keys of every written document, before and after the write. */
  keys: Set<string>;
}

export interface EngineOptions {
  schema: unknown;
  folder: FunctionsFolder;
  store: DurableStore;
  state: StoredState;
  cloudUrl: string;
  siteUrl: string;
  /** Creates signed upload URL tokens. */
  uploadToken: { create(): string };
  /** Per-folder key from which file URL tokens are derived. */
  fileUrlKey: Buffer;
  /** Echo function log lines on the runtime's own console. */
  echoLogs: boolean;
  /** Called synchronously after each top-level commit (already persisted). */
  onCommit: (event: CommitEvent) => void;
  /** Called after every function execution (for `convex logs`). */
  onExecution?: (execution: FunctionExecution) => void;
}

/** One finished function execution, as `convex logs` shows it. */
export interface FunctionExecution {
  udfPath: string;
  kind: FunctionKind;
  startedAt: number;
  durationMs: number;
  logLines: string[];
  error: string | null;
}

/**
 * A `_system/...` admin function (system-functions.ts): runs outside
 * convex-test on committed state, for admin callers only.
 */
export type SystemFunction = (
  args: Record<string, Value>,
) => { value: Value; tables: string[] } | Promise<{ value: Value; tables: string[] }>;

// ---- call context (one per function execution started by the runtime) ----

interface CallContext extends LogSink {
  reads: ReadSet | null;
  journal: { endCursor: string | null; paginated: boolean } | null;
  onCommit: ((ts: bigint) => void) | null;
}

const callStorage = new AsyncLocalStorage<CallContext>();

/** Runs a callback outside every async context (used to start timers and loops). */
export const runInRootContext = AsyncLocalStorage.snapshot();

// Captured before convex-test wraps these globals (inside queries and
// mutations it makes them throw, and the runtime's own timers must not).
export const realSetTimeout = globalThis.setTimeout.bind(globalThis);
export const realClearTimeout = globalThis.clearTimeout.bind(globalThis);
/** The process console, untouched by function log capture. */
export const runtimeConsole = globalThis.console;

const ROLLBACK = new Error("convex-local snapshot rollback");

/**
 * Documents whose JSON is longer are serialised on every read rather than cached. Documents of
 * tables with a vector index are never cached (a chunk with its vector: ~30 KB each, 20,000 of
 * them); others up to this size are (a bilan with its answers and synthesis is ~12 KB, read by
 * every coach's and family's home page).
 */
const MAX_CACHED_JSON = 64 * 1024;

/** Documents with vectors whose JSON is kept, the most recently read (~30 KB each). */
const RECENT_VECTOR_DOCS = 1_000;

/** "messages.js:list" / "messages" → "messages:list" / "messages:default". */
export function canonicalUdfPath(udfPath: string): string {
  const colon = udfPath.lastIndexOf(":");
  let modulePath = colon < 0 ? udfPath : udfPath.slice(0, colon);
  const exportName = colon < 0 ? "default" : udfPath.slice(colon + 1);
  modulePath = modulePath.replace(/\.(js|ts|jsx|tsx|mjs|cjs)$/, "");
  return `${modulePath}:${exportName}`;
}

function isConvexError(error: unknown): error is Error & { data: Value } {
  return typeof error === "object" && error !== null && Symbol.for("ConvexError") in error;
}

/** The error envelope fields the Convex clients expect. */
export function describeFailure(error: unknown): { message: string; data: Value | undefined } {
  // Random, like Convex's (a counter would tell clients how busy the runtime is).
  const requestId = randomBytes(8).toString("hex");
  if (isConvexError(error)) {
    let data = error.data;
    if (typeof data === "string") {
      try {
        data = jsonToConvex(JSON.parse(data));
      } catch {
        // A plain string payload.
      }
    }
    return {
      message: `[Request ID: ${requestId}] Server Error\nUncaught ConvexError: ${error.message}`,
      data: data === undefined ? null : data,
    };
  }
  if (error instanceof Error) {
    return {
      message: `[Request ID: ${requestId}] Server Error\nUncaught ${error.name}: ${error.message}`,
      data: undefined,
    };
  }
  return {
    message: `[Request ID: ${requestId}] Server Error\nUncaught ${String(error)}`,
    data: undefined,
  };
}

function parseJournal(journal: string | null | undefined): string | null {
  if (!journal) return null;
  try {
    const parsed = JSON.parse(journal) as { endCursor?: unknown };
    return typeof parsed.endCursor === "string" ? parsed.endCursor : null;
  } catch {
    return null;
  }
}

// Syscalls that read nothing from the database.
const NON_READING_SYSCALLS = new Set([
  "1.0/queryStreamNext",
  "1.0/queryCleanup",
  "1.0/db/normalizeId",
  "1.0/getSnapshotTs",
  "1.0/getTransactionMetrics",
  "1.0/getFunctionMetadata",
  "1.0/getRequestMetadata",
  "1.0/getDeploymentMetadata",
  "1.0/auditLog",
  "1.0/runUdf",
  "1.0/createFunctionHandle",
]);

export class ConvexEngine {
  private readonly options: EngineOptions;
  private readonly t: Accessor;
  private readonly global: ConvexGlobal;
  private readonly db: DatabaseFake;
  /** Ids of committed documents per table (convex-test scans every document otherwise). */
  private readonly tableIds = new Map<string, Set<string>>();
  /**
   * Ids of committed documents per equality prefix of an index (narrows index range
   * queries); each (index, prefix length) is built when first queried, not at start.
   */
  private readonly prefixIndexes = new EqualityPrefixIndexes();
  private readonly indexCache = new Map<string, IndexInfo[]>();
  /** Full-text search indexes by "table.index", and per table. */
  private readonly textIndexes = new Map<string, TextSearchIndex>();
  private readonly textIndexesByTable = new Map<string, TextSearchIndex[]>();
  /**
   * Loaded documents not yet in their full-text indexes (a centre's 20,000 chunks take
   * seconds to tokenise): indexed in slices after start (`indexTextInBackground`), or
   * at once by the first search that needs them. Commits index their documents
   * directly, so the backlog only shrinks.
   */
  private textBacklog: string[] = [];
  private textBacklogNext = 0;
  /** Vectors of committed documents per vector index, and per table. */
  private readonly vectorCaches = new Map<string, VectorIndexCache>();
  private readonly vectorCachesByTable = new Map<string, VectorIndexCache[]>();
  /**
   * Candidate ids for the query being resolved (set around `_resolveQuerySource`).
   * `exact`: these are all the documents, in this order, pending writes included
   * (a ranked search); otherwise pending writes of the table are added.
   */
  private narrowed: { table: string; ids: Iterable<string>; exact?: boolean } | null = null;
  /** Ranking of the last resolved search source (read by `paginateSearch`). */
  private lastRanking: RankedDoc[] = [];
  private readonly accessors = new Map<string, Accessor>();
  /** Committed `_storage` ids by the token of their URL. */
  private readonly filesByToken = new Map<string, string>();
  private readonly functionCache = new Map<string, Promise<FunctionInfo | null>>();

  constructor(options: EngineOptions) {
    this.options = options;
    globalThis.console = createCapturingConsole(runtimeConsole, callStorage, options.echoLogs);
    const t = convexTest(options.schema as never, options.folder.convexTestModules) as unknown as
      | (Accessor & { convexLocalInternals?: ConvexGlobal })
      | undefined;
    if (t?.convexLocalInternals === undefined) {
      throw new Error(
        "convex-test is not patched (patches/convex-test@*.patch): run `bun install` at the repository root.",
      );
    }
    this.t = t;
    this.global = t.convexLocalInternals;
    const root = this.global.components[""];
    if (root === undefined) throw new Error("convex-test has no root component");
    this.db = root.db;
    const db = this.db;
    db._generateId = (table: string) => {
      for (;;) {
        const id = randomDocumentId(table);
        if (db._documents[id] === undefined && !db._writes.some((layer) => id in layer)) return id;
      }
    };
    for (const spec of searchIndexSpecs(this.db._schema?.tables)) {
      const index = new TextSearchIndex(spec);
      this.textIndexes.set(spec.name, index);
      const list = this.textIndexesByTable.get(spec.table) ?? [];
      list.push(index);
      this.textIndexesByTable.set(spec.table, list);
    }
    for (const spec of vectorIndexSpecs(this.db._schema?.tables)) {
      const cache = new VectorIndexCache(spec);
      this.vectorCaches.set(spec.name, cache);
      const list = this.vectorCachesByTable.get(spec.table) ?? [];
      list.push(cache);
      this.vectorCachesByTable.set(spec.table, list);
    }
    this.loadState(options.state);
    this.installCommitHook();
    this.installTableIndex();
    this.installRangeNarrowing();
    this.installTextSearch();
    this.installVectorSearch();
    this.installSyscalls();
    this.installQueryStreams();
  }

  // ---- state ----

  private loadState(state: StoredState): void {
    const documents: Record<string, StoredDocument> = {};
    for (const [id, stored] of state.documents) {
      // Vectors written before they were rounded (older data folders) are rounded now.
      const doc = this.roundVectors(id, stored);
      documents[id] = doc;
      this.indexDocument(id, doc, true, true);
    }
    // The engine's store is the only copy from here on (a centre's 300,000 entries).
    state.documents.clear();
    this.db._documents = documents;
    this.db._nextDocId = Math.max(this.db._nextDocId, state.nextDocId);
    this.db._lastCreationTime = state.lastCreationTime;
    this.global.transactionManager._lastCommitTs = state.lastCommitTs;
  }

  /** The committed state, for compaction. */
  currentState(): StoredState {
    return {
      documents: new Map(Object.entries(this.db._documents)),
      nextDocId: this.db._nextDocId,
      lastCreationTime: this.db._lastCreationTime,
      lastCommitTs: this.global.transactionManager._lastCommitTs,
    };
  }

  get lastCommitTs(): bigint {
    return this.global.transactionManager._lastCommitTs;
  }

  /** Committed documents of a table, outside any transaction. */
  committedDocuments(table: string): StoredDocument[] {
    const ids = this.tableIds.get(table);
    if (ids === undefined) return [];
    const out: StoredDocument[] = [];
    for (const id of ids) {
      const doc = this.db._documents[id];
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  committedDocument(id: string): StoredDocument | null {
    return this.db._documents[id] ?? null;
  }

  indexes(table: string): IndexInfo[] {
    let indexes = this.indexCache.get(table);
    if (indexes === undefined) {
      indexes = indexesOf(this.db._schema?.tables, table);
      this.indexCache.set(table, indexes);
    }
    return indexes;
  }

  /**
   * The document with the vector field of each of its table's vector indexes
   * rounded to float32 (itself when nothing changes). Convex's vector index
   * works in float32 too; stored so, a vector takes 4 bytes a dimension on
   * disk (log-records.ts) and in the cache instead of ~20 bytes of JSON text.
   */
  private roundVectors(id: string, doc: StoredDocument): StoredDocument {
    const caches = this.vectorCachesByTable.get(tableNameFromId(id) ?? "");
    if (caches === undefined) return doc;
    let out = doc;
    for (const cache of caches) {
      const field = cache.spec.vectorField;
      const value = out[field];
      // Nested vector fields ("a.b") are left as they are (none in this schema).
      if (field.includes(".") || !Array.isArray(value) || isMarkedFloat32(value)) continue;
      if (!value.every((x) => typeof x === "number")) continue;
      const rounded = roundToFloat32(value as number[]);
      if (rounded !== value) out = { ...out, [field]: rounded };
    }
    return out;
  }

  private addToSet(map: Map<string, Set<string>>, key: string, id: string, present: boolean): void {
    let ids = map.get(key);
    if (ids === undefined) {
      if (!present) return;
      ids = new Set();
      map.set(key, ids);
    }
    if (present) ids.add(id);
    else {
      ids.delete(id);
      if (ids.size === 0) map.delete(key);
    }
  }

  /** Adds (or removes) a committed document to the table and index-key maps; returns its keys. */
  private indexDocument(
    id: string,
    doc: StoredDocument,
    present: boolean,
    loading = false,
  ): string[] {
    const table = tableNameFromId(id);
    if (table === null) return [];
    this.addToSet(this.tableIds, table, id, present);
    if (table === "_storage") {
      if (present) this.filesByToken.set(this.fileUrlToken(id), id);
      else this.filesByToken.delete(this.fileUrlToken(id));
    }
    const textIndexes = this.textIndexesByTable.get(table);
    if (textIndexes !== undefined) {
      // At load, documents are indexed in the background after the runtime is ready.
      if (loading) this.textBacklog.push(id);
      else {
        for (const index of textIndexes) {
          if (present) index.add(id, doc);
          else index.remove(id);
        }
      }
    }
    for (const cache of this.vectorCachesByTable.get(table) ?? []) {
      if (present) cache.add(id, doc);
      else cache.remove(id);
    }
    this.prefixIndexes.update(table, id, doc, present);
    // Read-set keys of a commit (which subscriptions to re-run); none at load.
    return loading ? [] : documentKeys(table, doc, this.indexes(table));
  }

  private installCommitHook(): void {
    const db = this.db;
    const originalCommit = db.commit.bind(db);
    db.commit = (commitTs: bigint | null) => {
      const topLevel = commitTs !== null && db._writes.length === 1;
      const writes = topLevel ? db._writes[0] : undefined;
      const previous = new Map<string, StoredDocument | undefined>();
      if (writes !== undefined) {
        for (const id of Object.keys(writes)) previous.set(id, db._documents[id]);
      }
      originalCommit(commitTs);
      if (!topLevel || writes === undefined || commitTs === null) return;
      const changes: Array<[string, StoredDocument | null]> = [];
      const tables = new Set<string>();
      const keys = new Set<string>();
      for (const [id, before] of previous) {
        let doc = db._documents[id] ?? null;
        if (doc !== null) {
          doc = this.roundVectors(id, doc);
          db._documents[id] = doc;
        }
        changes.push([id, doc]);
        const table = tableNameFromId(id);
        if (table !== null) tables.add(table);
        if (before !== undefined)
          for (const key of this.indexDocument(id, before, false)) keys.add(key);
        if (doc !== null) for (const key of this.indexDocument(id, doc, true)) keys.add(key);
      }
      if (changes.length > 0) {
        try {
          this.options.store.append({
            ts: commitTs,
            writes: changes,
            nextDocId: db._nextDocId,
            lastCreationTime: db._lastCreationTime,
          });
        } catch (error) {
          // Memory and disk would disagree from here on: stop rather than lose data silently.
          runtimeConsole.error("convex-local: could not persist a commit, stopping.", error);
          process.exit(70);
        }
      }
      callStorage.getStore()?.onCommit?.(commitTs);
      this.options.onCommit({ ts: commitTs, changes, tables, keys });
    };
  }

  private installTableIndex(): void {
    const db = this.db;
    const tableIds = this.tableIds;
    db._iterateDocs = (tableName: string, callback: (doc: StoredDocument) => void) => {
      const narrowed = this.narrowed;
      if (narrowed?.exact && narrowed.table === tableName) {
        for (const id of narrowed.ids) {
          const doc = db.get(tableName, id);
          if (doc !== null) callback(doc);
        }
        return;
      }
      const committed =
        narrowed !== null && narrowed.table === tableName ? narrowed.ids : tableIds.get(tableName);
      let pending: Set<string> | null = null;
      for (const layer of db._writes) {
        for (const id of Object.keys(layer)) {
          if (tableNameFromId(id) === tableName) {
            pending ??= new Set();
            pending.add(id);
          }
        }
      }
      if (pending === null) {
        if (committed === undefined) return;
        for (const id of committed) {
          const doc = db._documents[id];
          if (doc !== undefined) callback(doc);
        }
        return;
      }
      const ids = new Set<string>(committed ?? []);
      for (const id of pending) ids.add(id);
      for (const id of ids) {
        const doc = db.get(tableName, id);
        if (doc !== null) callback(doc);
      }
    };
  }

  /**
   * Index range queries starting with equalities only look at the documents under
   * that equality prefix (prefix-index.ts), and on committed data are resolved
   * without convex-test's per-document overheads (committed-range.ts).
   */
  private installRangeNarrowing(): void {
    const db = this.db;
    const original = db._resolveQuerySource.bind(db);
    db._resolveQuerySource = (query: unknown) => {
      const source = (query as QueryJson).source;
      if (source?.type !== "IndexRange" || !source.indexName) return original(query);
      const [table] = source.indexName.split(".");
      const first = source.range?.[0];
      let ids: Iterable<string> | null = null;
      if (
        source.indexName.endsWith(".by_id") &&
        first?.type === "Eq" &&
        typeof first.value === "string"
      ) {
        ids = tableNameFromId(first.value) === table ? [first.value] : [];
      } else {
        ids = this.prefixCandidates(source.indexName, source.range);
      }
      if (ids === null || !table) return original(query);
      if (!this.hasPendingWrites(table)) {
        // Committed documents only: resolved here (committed-range.ts); convex-test
        // still provides the `.filter()` function, limit and order (from no documents).
        this.narrowed = { table, ids: [] };
        let shape: ReturnType<typeof original>;
        try {
          shape = original(query);
        } finally {
          this.narrowed = null;
        }
        const candidates: StoredDocument[] = [];
        for (const id of ids) {
          const doc = db._documents[id];
          if (doc !== undefined) candidates.push(doc);
        }
        const sortedDocs = resolveCommittedRange(
          candidates,
          source.range ?? [],
          shape.fieldPathsToSortBy,
          shape.order,
        );
        return { ...shape, sortedDocs };
      }
      this.narrowed = { table, ids };
      try {
        return original(query);
      } finally {
        this.narrowed = null;
      }
    };
  }

  /** Whether the running transaction has written to `table`. */
  private hasPendingWrites(table: string): boolean {
    for (const layer of this.db._writes) {
      for (const id in layer) if (tableNameFromId(id) === table) return true;
    }
    return false;
  }

  /** Committed ids matching a range's equality prefix (prefix-index.ts), or null. */
  private prefixCandidates(
    indexName: string,
    range: NonNullable<QueryJson["source"]>["range"],
  ): Iterable<string> | null {
    const [table, index] = indexName.split(".");
    if (!table || !index) return null;
    const fields = this.db._schema?.tables
      .get(table)
      ?.indexes?.find((candidate) => candidate.indexDescriptor === index)?.fields;
    if (fields === undefined || fields.length === 0) return null;
    const db = this.db;
    const tableIds = this.tableIds;
    return this.prefixIndexes.candidates(table, index, fields, range, function* () {
      for (const id of tableIds.get(table) ?? []) {
        const doc = db._documents[id];
        if (doc !== undefined) yield [id, doc];
      }
    });
  }

  // ---- full-text search ----

  /**
   * Search query sources are ranked by the BM25 indexes of text-search.ts;
   * convex-test then applies `.filter()` operators and limits to the ranked
   * documents in that order. Paginated searches page over the ranked list.
   */
  private installTextSearch(): void {
    const db = this.db;
    const resolve = db._resolveQuerySource.bind(db);
    db._resolveQuerySource = (query: unknown) => {
      const source = (query as QueryJson).source;
      if (source?.type !== "Search" || !source.indexName) return resolve(query);
      const { table, ranked } = this.rankSearch(source);
      this.lastRanking = ranked;
      this.narrowed = { table, ids: ranked.map((r) => r.id), exact: true };
      try {
        // The filters are applied by the index: convex-test keeps every ranked
        // document, and its sort on no field keeps their order (stable sort).
        return resolve({ ...(query as object), source: { ...source, filters: [] } });
      } finally {
        this.narrowed = null;
      }
    };
    const paginate = db.paginate.bind(db);
    db.paginate = (args: PaginateArgs) =>
      args.query?.source?.type === "Search" ? this.paginateSearch(args) : paginate(args);
  }

  /** Indexes up to `budgetMs` of the backlog (all of it without a budget); true when done. */
  indexTextBacklog(budgetMs = Number.POSITIVE_INFINITY): boolean {
    const started = performance.now();
    const backlog = this.textBacklog;
    while (this.textBacklogNext < backlog.length) {
      const id = backlog[this.textBacklogNext++] as string;
      const doc = this.db._documents[id];
      // Deleted since, or already indexed by a commit that rewrote it.
      if (doc !== undefined) {
        for (const index of this.textIndexesByTable.get(tableNameFromId(id) ?? "") ?? []) {
          if (!index.has(id)) index.add(id, doc);
        }
      }
      if ((this.textBacklogNext & 63) === 0) {
        // Tokenising leaves far more garbage than the index keeps (young-garbage.ts).
        if ((this.textBacklogNext & 511) === 0) collectYoungGarbage();
        if (performance.now() - started > budgetMs) return false;
      }
    }
    this.textBacklog = [];
    this.textBacklogNext = 0;
    return true;
  }

  /** Works through the text backlog in short slices, leaving room for requests. */
  indexTextInBackground(sliceMs = 10): void {
    const step = () => {
      if (!this.indexTextBacklog(sliceMs)) realSetTimeout(step, 1);
    };
    realSetTimeout(step, 0);
  }

  private rankSearch(source: NonNullable<QueryJson["source"]>): {
    table: string;
    ranked: RankedDoc[];
  } {
    this.indexTextBacklog();
    const indexName = source.indexName ?? "";
    const table = indexName.split(".")[0] ?? "";
    const index = this.textIndexes.get(indexName);
    if (index === undefined) {
      throw new Error(
        `Cannot use search index "${indexName.split(".")[1] ?? ""}" for table "${table}" because it is not declared in the schema.`,
      );
    }
    let query: string | null = null;
    const filters: Array<{ field: string; key: string }> = [];
    for (const filter of source.filters ?? []) {
      if (filter.type === "Search") {
        if (filter.fieldPath !== index.spec.searchField) {
          throw new Error(
            `Search index "${indexName}" searches "${index.spec.searchField}", not "${filter.fieldPath}".`,
          );
        }
        query = String(filter.value);
      } else if (filter.type === "Eq") {
        filters.push({ field: filter.fieldPath, key: filterKeyOfJson(filter.value) });
      }
    }
    if (query === null) throw new Error(`A search query on "${indexName}" needs a search term.`);
    // Writes of the running transaction (later layers win).
    let pending: Map<string, StoredDocument | null> | undefined;
    for (const layer of this.db._writes) {
      for (const [id, doc] of Object.entries(layer)) {
        if (tableNameFromId(id) !== table) continue;
        pending ??= new Map();
        pending.set(id, doc);
      }
    }
    return { table, ranked: index.search({ query, filters, pending }) };
  }

  /** `.paginate()` over the ranked list; cursors are rank keys (score, creation time, id). */
  private paginateSearch(args: PaginateArgs): PageResult {
    const { sortedDocs, filterFn } = this.db._resolveQuerySource(args.query);
    const ranked = this.lastRanking;
    const rankOf = new Map(ranked.map((r) => [r.id, r]));
    const encode = (r: RankedDoc) => JSON.stringify({ search: [r.score, r.creationTime, r.id] });
    const decode = (cursor: string): RankedDoc => {
      const parsed = JSON.parse(cursor) as { search?: [number, number, string] };
      if (!Array.isArray(parsed.search)) throw new Error("Invalid search pagination cursor.");
      const [score, creationTime, id] = parsed.search;
      return { score, creationTime, id };
    };
    const start = args.cursor && args.cursor !== "_end_cursor" ? decode(args.cursor) : null;
    const end = args.endCursor && args.endCursor !== "_end_cursor" ? decode(args.endCursor) : null;
    const page: StoredDocument[] = [];
    let continueCursor = "_end_cursor";
    if (args.cursor !== "_end_cursor") {
      for (let i = 0; i < sortedDocs.length; i++) {
        const doc = sortedDocs[i] as StoredDocument;
        const rank = rankOf.get(String(doc._id));
        if (rank === undefined) continue;
        if (start !== null && compareRanked(rank, start) <= 0) continue;
        if (end !== null) {
          const cmp = compareRanked(rank, end);
          if (cmp > 0) break;
          if (filterFn(doc)) page.push(doc);
          if (cmp === 0) {
            continueCursor = encode(rank);
            break;
          }
          continue;
        }
        if (filterFn(doc)) page.push(doc);
        if (!args.endCursor && page.length >= args.pageSize) {
          if (i < sortedDocs.length - 1) continueCursor = encode(rank);
          break;
        }
      }
    }
    return {
      page,
      isDone: continueCursor === "_end_cursor",
      continueCursor,
      splitCursor: null,
      pageStatus: null,
    };
  }

  // ---- vector search ----

  /**
   * Exact vector search over cached vectors (vector-cache.ts): same scores and
   * order as convex-test's scan, without re-reading every vector per query.
   * Vector search runs in actions, so it reads committed documents only.
   */
  private installVectorSearch(): void {
    const db = this.db;
    const original = db.vectorSearch.bind(db);
    db.vectorSearch = (tableAndIndexName, vector, expressions, limit) => {
      const cache = this.vectorCaches.get(tableAndIndexName);
      if (cache !== undefined && vector.length !== cache.spec.dimensions) {
        throw new Error(
          `Vector search on "${tableAndIndexName}" got a vector of ${vector.length} dimensions; the index has ${cache.spec.dimensions}.`,
        );
      }
      const results = cache?.search(vector, expressions, limit) ?? null;
      return results ?? original(tableAndIndexName, vector, expressions, limit);
    };
  }

  // ---- syscalls ----

  private installSyscalls(): void {
    const g = this.global;
    const originalSyscall = g.syscall;
    const originalAsync = g.asyncSyscall;
    const originalJs = g.jsSyscall;

    g.syscall = (op, jsonArgs) => {
      const ctx = callStorage.getStore();
      if (ctx?.reads && op === "1.0/queryStream") {
        this.trackQuerySource(ctx.reads, (JSON.parse(jsonArgs) as { query: QueryJson }).query);
      }
      if (op === "1.0/queryCleanup") {
        this.queryStreams.delete((JSON.parse(jsonArgs) as { queryId: number }).queryId);
      }
      return originalSyscall(op, jsonArgs);
    };

    g.asyncSyscall = async (op, jsonArgs) => {
      const ctx = callStorage.getStore();
      if (ctx?.reads) this.trackAsyncRead(ctx.reads, op, jsonArgs);
      switch (op) {
        case "1.0/queryStreamNext":
          return this.queryStreamNext(jsonArgs);
        case "1.0/get":
          return this.getDocument(jsonArgs);
        case "1.0/queryPage":
          return await this.queryPage(ctx, jsonArgs, originalAsync);
        case "1.0/schedule":
          return await this.schedule(jsonArgs);
        case "1.0/storageGenerateUploadUrl":
          return JSON.stringify(
            `${this.options.cloudUrl}/api/storage/upload?token=${this.options.uploadToken.create()}`,
          );
        case "1.0/storageGetUrl": {
          const { storageId } = JSON.parse(jsonArgs) as { storageId: string };
          const meta = this.db.get("_storage", storageId);
          return JSON.stringify(
            meta === null
              ? null
              : `${this.options.cloudUrl}/api/storage/${this.fileUrlToken(storageId)}`,
          );
        }
        case "1.0/storageGetMetadata": {
          const { storageId } = JSON.parse(jsonArgs) as { storageId: string };
          const meta = this.db.get("_storage", storageId);
          return JSON.stringify(
            meta === null
              ? null
              : {
                  storageId,
                  sha256: meta.sha256,
                  size: meta.size,
                  contentType: meta.contentType ?? null,
                },
          );
        }
        case "1.0/storageStore":
        case "1.0/storageGet":
          throw new Error(
            "ctx.storage.store() and ctx.storage.get() are only available in actions.",
          );
        default:
          return await originalAsync(op, jsonArgs);
      }
    };

    g.jsSyscall = async (op, args) => {
      switch (op) {
        case "storage/storeBlob": {
          const blob = args.blob as Blob;
          return await this.storeFile(new Uint8Array(await blob.arrayBuffer()), blob.type);
        }
        case "storage/getBlob": {
          const file = this.readFile(args.storageId as string);
          if (file === null) return null;
          return new Blob([file.bytes as BlobPart], { type: file.contentType ?? "" });
        }
        default:
          return await originalJs(op, args);
      }
    };
  }

  /**
   * A query stream's next document, as convex-test answers it (`{"value", "done"}`,
   * its read counted in the transaction metrics), with each document's Convex JSON
   * and size computed once per document version (documents are never mutated in
   * place: a write stores a new object) and the stream read by position instead of
   * `Array.shift()`. A dashboard reading thousands of rows spent most of its time
   * re-serialising and re-measuring the same documents.
   */
  private queryStreamNext(jsonArgs: string): string {
    const { queryId } = JSON.parse(jsonArgs) as { queryId: number };
    const { value, done } = this.db.queryNext(queryId);
    if (done || value === null) return JSON.stringify(convexToJson({ value, done }));
    const serialized = this.serializedDocument(value);
    this.global.transactionManager.getMetricsTracker?.()?.trackRead(serialized.size);
    return `{"value":${serialized.json},"done":false}`;
  }

  /** `ctx.db.get`, as convex-test answers it, with committed documents serialised once. */
  private getDocument(jsonArgs: string): string {
    const { table, id } = JSON.parse(jsonArgs) as { table?: string; id: string };
    const tracker = this.global.transactionManager.getMetricsTracker?.();
    tracker?.trackIndexRange?.();
    const doc = this.db.get(table, id);
    if (doc === null) return "null";
    // A document written by the running transaction may hold pending values: as is.
    const serialized =
      this.db._documents[id] === doc
        ? this.serializedDocument(doc)
        : { json: JSON.stringify(convexToJson(doc)), size: getDocumentSize(doc) };
    tracker?.trackRead(serialized.size);
    return serialized.json;
  }

  private readonly serializedDocs = new WeakMap<object, { json: string; size: number }>();
  /**
   * Documents with vectors, serialised recently (least recently used first): a search loads
   * its ~40 candidates with their vectors (`ctx.db.get`), and writing 1536 numbers as decimal
   * text costs ~0.5 ms a document. Bounded: 20,000 of them would take 600 MB.
   */
  private readonly recentVectorDocs = new Map<object, { json: string; size: number }>();

  private serializedDocument(doc: StoredDocument): { json: string; size: number } {
    let entry = this.serializedDocs.get(doc);
    if (entry !== undefined) return entry;
    const table = tableNameFromId(String(doc._id));
    const hasVectors = table !== null && this.vectorCachesByTable.has(table);
    if (hasVectors) {
      entry = this.recentVectorDocs.get(doc);
      if (entry !== undefined) {
        this.recentVectorDocs.delete(doc);
        this.recentVectorDocs.set(doc, entry);
        return entry;
      }
    }
    entry = { json: JSON.stringify(convexToJson(doc)), size: getDocumentSize(doc) };
    if (hasVectors) {
      this.recentVectorDocs.set(doc, entry);
      if (this.recentVectorDocs.size > RECENT_VECTOR_DOCS) {
        const oldest = this.recentVectorDocs.keys().next().value;
        if (oldest !== undefined) this.recentVectorDocs.delete(oldest);
      }
    } else if (entry.json.length <= MAX_CACHED_JSON) {
      this.serializedDocs.set(doc, entry);
    }
    return entry;
  }

  /** Open query streams (a stream closed early is dropped at its `queryCleanup`). */
  private readonly queryStreams = new Map<number, { docs: StoredDocument[]; next: number }>();

  /** convex-test's query streams, read by position (its `shift()` is O(n) per row). */
  private installQueryStreams(): void {
    const db = this.db;
    const streams = this.queryStreams;
    let nextId = 0;
    db.startQuery = (query: unknown) => {
      const id = nextId++;
      streams.set(id, { docs: db._evaluateQuery(query), next: 0 });
      return id;
    };
    db.queryNext = (queryId: number) => {
      const stream = streams.get(queryId);
      if (stream === undefined) throw new Error("Bad queryId");
      if (stream.next >= stream.docs.length) {
        streams.delete(queryId);
        return { value: null, done: true };
      }
      const value = stream.docs[stream.next] as StoredDocument;
      stream.next++;
      return { value, done: false };
    };
  }

  private trackQuerySource(reads: ReadSet, query: QueryJson): void {
    const source = query?.source;
    if (source?.type === "FullTableScan" && source.tableName) {
      reads.tables.add(source.tableName);
    } else if (source?.type === "IndexRange" && source.indexName) {
      const key = rangeKey(source.indexName, source.range, (t) => this.indexes(t));
      if (key !== null) reads.keys.add(key);
      else reads.tables.add(source.indexName.split(".")[0] ?? "");
    } else if (source?.indexName) {
      reads.tables.add(source.indexName.split(".")[0] ?? "");
    } else {
      reads.all = true;
    }
  }

  private trackDocumentRead(reads: ReadSet, table: string | null, id: string): void {
    if (table === null) reads.all = true;
    else reads.keys.add(indexKey(table, "by_id", JSON.stringify(id)));
  }

  private trackAsyncRead(reads: ReadSet, op: string, jsonArgs: string): void {
    if (NON_READING_SYSCALLS.has(op)) return;
    const args = JSON.parse(jsonArgs) as Record<string, unknown>;
    switch (op) {
      case "1.0/get":
        this.trackDocumentRead(reads, tableNameFromId(String(args.id)), String(args.id));
        return;
      case "1.0/queryPage":
        this.trackQuerySource(reads, args.query as QueryJson);
        return;
      case "1.0/count":
        reads.tables.add(String(args.table));
        return;
      case "1.0/storageGetUrl":
      case "1.0/storageGetMetadata":
        this.trackDocumentRead(reads, "_storage", String(args.storageId));
        return;
      default:
        reads.all = true;
    }
  }

  /** Pagination with journals: a re-run ends at the cursor the first run ended at. */
  private async queryPage(
    ctx: CallContext | undefined,
    jsonArgs: string,
    original: (op: string, jsonArgs: string) => Promise<string>,
  ): Promise<string> {
    const journal = ctx?.journal;
    const args = JSON.parse(jsonArgs) as { endCursor?: string | null };
    if (journal && !args.endCursor && journal.endCursor) args.endCursor = journal.endCursor;
    const endCursor = args.endCursor ?? null;
    const result = JSON.parse(await original("1.0/queryPage", JSON.stringify(args))) as {
      continueCursor: string;
      isDone: boolean;
    };
    if (endCursor !== null && endCursor !== "_end_cursor") {
      // The page is bounded: it continues exactly where it was told to end,
      // even when the document at that cursor has since been deleted.
      result.continueCursor = endCursor;
      result.isDone = false;
    }
    if (journal) {
      journal.paginated = true;
      journal.endCursor ??= result.isDone ? "_end_cursor" : result.continueCursor;
    }
    return JSON.stringify(result);
  }

  private async schedule(jsonArgs: string): Promise<string> {
    const args = JSON.parse(jsonArgs) as {
      name?: string;
      reference?: string;
      functionHandle?: string;
      args: unknown;
      ts: number;
    };
    let udfPath: string;
    if (args.functionHandle !== undefined) {
      const handle = args.functionHandle.split("function://")[1] ?? "";
      const [componentPath, path] = handle.split(";");
      if (componentPath) throw new Error("convex-local does not support components.");
      udfPath = path ?? "";
    } else if (args.name !== undefined) {
      udfPath = args.name;
    } else {
      throw new Error("convex-local does not support components (function references by path).");
    }
    udfPath = canonicalUdfPath(udfPath);
    const info = await this.describe(udfPath);
    if (info === null || (info.kind !== "mutation" && info.kind !== "action")) {
      throw new Error(`Cannot schedule "${udfPath}": no mutation or action with that name.`);
    }
    const jobId = this.db.insert("_scheduled_functions", {
      args: [jsonToConvex(args.args as never)],
      name: udfPath,
      scheduledTime: args.ts * 1000,
      state: { kind: "pending" },
    });
    return JSON.stringify(jobId);
  }

  // ---- storage ----

  /**
   * The token of a file's URL: HMAC-SHA256 of its storage id under the
   * folder's secret, 128 bits in hex. Unguessable without the secret, not the
   * storage id, and stable (the same URL across calls and restarts, so
   * subscribed queries returning it do not change).
   */
  fileUrlToken(storageId: string): string {
    return fileUrlToken(this.options.fileUrlKey, storageId);
  }

  /** Writes the blob durably, then commits its `_storage` document. */
  async storeFile(bytes: Uint8Array, contentType: string | undefined): Promise<string> {
    const sha256 = this.options.store.writeBlob(bytes);
    // Same tick as the write: no collection can run in between.
    const release = this.options.store.pinBlob(sha256);
    try {
      return await this.commitFile({ sha256, size: bytes.byteLength }, contentType);
    } finally {
      release();
    }
  }

  /** An upload URL's POST: streams the body to a blob (at most `maxBytes`), then commits it. */
  async storeUpload(
    body: AsyncIterable<Uint8Array> | null,
    contentType: string | undefined,
    maxBytes: number,
  ): Promise<string> {
    const blob = await this.options.store.writeBlobStream(body, maxBytes);
    return await this.storeUploadedBlob(blob, contentType);
  }

  /** Commits the `_storage` document of a streamed upload, then unpins its blob. */
  async storeUploadedBlob(blob: PinnedBlob, contentType: string | undefined): Promise<string> {
    try {
      return await this.commitFile(blob, contentType);
    } finally {
      blob.release();
    }
  }

  private async commitFile(
    blob: { sha256: string; size: number },
    contentType: string | undefined,
  ): Promise<string> {
    const fields: Record<string, Value> = { sha256: blob.sha256, size: blob.size };
    if (contentType) fields.contentType = contentType;
    return await this.t.run(async () => this.db.insert("_storage", fields));
  }

  readFile(storageId: string): { bytes: Uint8Array; contentType: string | null } | null {
    if (tableNameFromId(storageId) !== "_storage") return null;
    const meta = this.committedDocument(storageId);
    if (meta === null) return null;
    const bytes = this.options.store.readBlob(String(meta.sha256));
    if (bytes === null) return null;
    return { bytes, contentType: typeof meta.contentType === "string" ? meta.contentType : null };
  }

  /** Path of a stored file's blob, by the token of its URL (for serving it). */
  fileInfo(token: string): { path: string; contentType: string | null; size: number } | null {
    const storageId = FILE_URL_TOKEN.test(token) ? this.filesByToken.get(token) : undefined;
    if (storageId === undefined) return null;
    const meta = this.committedDocument(storageId);
    if (meta === null) return null;
    return {
      path: this.options.store.blobPath(String(meta.sha256)),
      contentType: typeof meta.contentType === "string" ? meta.contentType : null,
      size: Number(meta.size),
    };
  }

  // ---- functions ----

  /** What a function path names (null when it does not exist). */
  describe(udfPath: string): Promise<FunctionInfo | null> {
    const canonical = canonicalUdfPath(udfPath);
    let info = this.functionCache.get(canonical);
    if (info === undefined) {
      info = this.loadFunctionInfo(canonical);
      this.functionCache.set(canonical, info);
    }
    return info;
  }

  private async loadFunctionInfo(udfPath: string): Promise<FunctionInfo | null> {
    const colon = udfPath.lastIndexOf(":");
    const modulePath = udfPath.slice(0, colon);
    const exportName = udfPath.slice(colon + 1);
    if (!this.options.folder.files.has(modulePath)) return null;
    const mod = await this.options.folder.load(modulePath);
    const fn = mod[exportName] as
      | {
          isQuery?: boolean;
          isMutation?: boolean;
          isAction?: boolean;
          isHttp?: boolean;
          isPublic?: boolean;
        }
      | undefined;
    if (fn === undefined || fn === null) return null;
    const kind: FunctionKind | null = fn.isQuery
      ? "query"
      : fn.isMutation
        ? "mutation"
        : fn.isAction
          ? "action"
          : fn.isHttp
            ? "httpAction"
            : null;
    if (kind === null) return null;
    return { kind, visibility: fn.isPublic ? "public" : "internal" };
  }

  /** Every function of the folder (also surfaces import errors at startup). */
  async listFunctions(): Promise<Array<{ udfPath: string } & FunctionInfo>> {
    const out: Array<{ udfPath: string } & FunctionInfo> = [];
    for (const modulePath of this.options.folder.files.keys()) {
      const mod = await this.options.folder.load(modulePath);
      for (const exportName of Object.keys(mod)) {
        const info = await this.describe(`${modulePath}:${exportName}`);
        if (info !== null) out.push({ udfPath: `${modulePath}:${exportName}`, ...info });
      }
    }
    return out;
  }

  private accessor(auth: CallAuth): Accessor {
    if (auth.identity === null) return this.t;
    let accessor = this.accessors.get(auth.key);
    if (accessor === undefined) {
      accessor = this.t.withIdentity(auth.identity);
      if (this.accessors.size > 500) this.accessors.clear();
      this.accessors.set(auth.key, accessor);
    }
    return accessor;
  }

  /** Runs a query, mutation or action as a client or the scheduler would. */
  async call(
    kind: "query" | "mutation" | "action",
    udfPath: string,
    args: Record<string, Value>,
    options: CallOptions = {},
  ): Promise<CallResult> {
    const path = canonicalUdfPath(udfPath);
    const ctx: CallContext = {
      logLines: [],
      label: `${kind === "query" ? "Q" : kind === "mutation" ? "M" : "A"}(${path})`,
      reads: kind === "query" ? emptyReadSet() : null,
      journal:
        kind === "query" ? { endCursor: parseJournal(options.journal), paginated: false } : null,
      onCommit: options.onCommit ?? null,
    };
    let commitTs: bigint | null = null;
    if (options.onCommit) {
      const notify = options.onCommit;
      ctx.onCommit = (ts) => {
        commitTs = ts;
        notify(ts);
      };
    } else {
      ctx.onCommit = (ts) => {
        commitTs = ts;
      };
    }
    const finish = (
      outcome:
        | { ok: true; value: Value; valueJson?: JSONValue }
        | { ok: false; message: string; data: Value | undefined },
    ): CallResult => {
      const journal =
        ctx.journal?.paginated && ctx.journal.endCursor !== null
          ? JSON.stringify({ endCursor: ctx.journal.endCursor })
          : null;
      const reads = ctx.reads ?? { ...emptyReadSet(), all: true };
      return { ...outcome, logLines: ctx.logLines, reads, journal, commitTs };
    };
    const auth = options.auth ?? ANONYMOUS;
    if (path.startsWith("_system/")) return await this.callSystem(path, args, auth, finish);
    const info = await this.describe(path).catch((error: unknown) => {
      ctx.logLines.push(`[ERROR] '${String(error)}'`);
      return null;
    });
    if (info === null || (options.publicOnly && !auth.admin && info.visibility !== "public")) {
      return finish({
        ok: false,
        message: `Could not find public function for '${path}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
        data: undefined,
      });
    }
    if (info.kind !== kind) {
      const name = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
      return finish({
        ok: false,
        message: `Trying to execute ${path} as ${name(kind)}, but it is defined as ${name(info.kind)}.`,
        data: undefined,
      });
    }
    const accessor = this.accessor(auth);
    const fnPath = { udfPath: path, componentPath: "" };
    const startedAt = Date.now();
    let result: CallResult;
    try {
      const value = await callStorage.run(ctx, () =>
        kind === "query"
          ? accessor.queryFromPath(fnPath, args)
          : kind === "mutation"
            ? accessor.mutationFromPath(fnPath, args)
            : accessor.actionFromPath(fnPath, args),
      );
      // Values cross the wire as Convex JSON: reject what cannot be encoded here (and keep
      // the encoding: a dashboard's thousand rows are not encoded twice).
      const valueJson = convexToJson(value);
      result = finish({ ok: true, value, valueJson });
    } catch (error) {
      result = finish({ ok: false, ...describeFailure(error) });
    }
    this.options.onExecution?.({
      udfPath: path,
      kind,
      startedAt,
      durationMs: Date.now() - startedAt,
      logLines: result.logLines,
      error: result.ok ? null : result.message,
    });
    return result;
  }

  /** `_system/...` admin functions: admin callers only, on committed state. */
  private async callSystem(
    path: string,
    args: Record<string, Value>,
    auth: CallAuth,
    finish: (
      outcome:
        | { ok: true; value: Value; valueJson?: JSONValue }
        | { ok: false; message: string; data: Value | undefined },
    ) => CallResult,
  ): Promise<CallResult> {
    const fn = auth.admin ? this.systemFunctions.get(path) : undefined;
    if (fn === undefined) {
      return finish({
        ok: false,
        message: auth.admin
          ? `convex-local does not implement the system function '${path}'.`
          : `Could not find public function for '${path}'. Admin functions need the admin key.`,
        data: undefined,
      });
    }
    try {
      const { value, tables } = await fn(args);
      const result = finish({ ok: true, value });
      // Re-run subscriptions when these tables change.
      result.reads = { ...emptyReadSet(), tables: new Set(tables) };
      return result;
    } catch (error) {
      return finish({ ok: false, ...describeFailure(error) });
    }
  }

  /** Registered `_system/...` functions (system-functions.ts). */
  readonly systemFunctions = new Map<string, SystemFunction>();

  /**
   * Runs `work` while holding the transaction lock, so every query it runs
   * sees one committed state and no commit can interleave. `work` receives
   * the timestamp of that state.
   */
  async snapshot<T>(work: (ts: bigint) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    let failure: { error: unknown } | undefined;
    try {
      await this.t.run(async () => {
        try {
          result = { value: await work(this.global.transactionManager._lastCommitTs) };
        } catch (error) {
          failure = { error };
        }
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    if (failure) throw failure.error;
    if (result === undefined) throw new Error("snapshot produced no result");
    return result.value;
  }

  /** Runs a query inside `snapshot()` (nested: no lock of its own). */
  queryInSnapshot(
    udfPath: string,
    args: Record<string, Value>,
    auth: CallAuth,
    journal: string | null,
  ): Promise<CallResult> {
    return this.call("query", udfPath, args, { auth, publicOnly: true, journal });
  }

  private systemWriter(): SystemWriter {
    return {
      get: (table, id) => this.db.get(table, id),
      patch: (table, id, value) => this.db.patch(table, id, value),
      insert: (table, value) => this.db.insert(table, value),
    };
  }

  /** Runs `work` in a write transaction with direct access to the document store. */
  async writeSystem<T>(work: (db: SystemWriter) => T): Promise<T> {
    // t.run serializes its handler's return value as a Convex value: pass ours aside.
    let out: { value: T } | undefined;
    await this.t.run(async () => {
      out = { value: work(this.systemWriter()) };
      return null;
    });
    if (out === undefined) throw new Error("system write produced no result");
    return out.value;
  }

  /**
   * Runs `work` with a mutation context (`ctx.db`, as convex-test's `t.run`)
   * as one transaction: committed, validated and persisted like a mutation's
   * writes. For bulk loads by tools (bench/centre: the centre-scale generator).
   */
  async runTransaction(work: (ctx: unknown) => Promise<void>): Promise<void> {
    await this.t.run(async (ctx) => {
      await work(ctx);
      return null;
    });
  }

  /** Runs a mutation atomically with `before`/`after` writes (scheduled mutations). */
  async mutationWithSystemWrites(
    udfPath: string,
    args: Record<string, Value>,
    before: (db: SystemWriter) => boolean,
    after: (db: SystemWriter, result: CallResult) => void,
  ): Promise<CallResult | null> {
    let out: CallResult | null = null;
    await this.t.run(async () => {
      const writer = this.systemWriter();
      if (!before(writer)) return null;
      out = await this.call("mutation", udfPath, args);
      after(writer, out);
      return null;
    });
    return out;
  }

  /** Serves an HTTP action route of http.ts. */
  async httpAction(path: string, init: RequestInit, auth: CallAuth): Promise<Response> {
    const ctx: CallContext = {
      logLines: [],
      label: `H(${path.split("?")[0]})`,
      reads: null,
      journal: null,
      onCommit: null,
    };
    const startedAt = Date.now();
    let error: string | null = null;
    try {
      const response = await callStorage.run(ctx, () => this.accessor(auth).fetch(path, init));
      if (response.status >= 500) error = `HTTP ${response.status}`;
      return response;
    } catch (thrown) {
      error = describeFailure(thrown).message;
      throw thrown;
    } finally {
      this.options.onExecution?.({
        udfPath: `${init.method ?? "GET"} ${path.split("?")[0]}`,
        kind: "httpAction",
        startedAt,
        durationMs: Date.now() - startedAt,
        logLines: ctx.logLines,
        error,
      });
    }
  }

  /**
   * Writes documents with their ids and creation times (snapshot import),
   * validated against the schema, and deletes others, in one transaction.
   */
  async importDocuments(
    deletes: string[],
    inserts: Array<{ table: string; doc: StoredDocument }>,
  ): Promise<void> {
    const db = this.db;
    await this.t.run(async () => {
      for (const id of deletes) {
        const table = tableNameFromId(id);
        if (table !== null && db.get(table, id) !== null) db.delete(table, id);
      }
      for (const { table, doc } of inserts) {
        const { _id, _creationTime, ...fields } = doc;
        const id = String(_id);
        if (tableNameFromId(id) !== table) throw new Error(`Document id ${id} is not in ${table}.`);
        if (db.get(table, id) !== null) {
          throw new Error(`A document with id ${id} already exists in ${table}.`);
        }
        if (!table.startsWith("_")) db._validate(table, fields);
        db._addWrite(id, { ...fields, _id: id, _creationTime });
        if (typeof _creationTime === "number" && _creationTime > db._lastCreationTime) {
          db._lastCreationTime = _creationTime;
        }
      }
      return null;
    });
  }

  /** Names of the tables that have committed documents. */
  tableNames(): string[] {
    return [...this.tableIds.entries()].filter(([, ids]) => ids.size > 0).map(([name]) => name);
  }

  /** Tables declared in the schema. */
  schemaTableNames(): string[] {
    return [...(this.db._schema?.tables.keys() ?? [])];
  }

  get hasHttpRouter(): boolean {
    return this.options.folder.files.has("http");
  }
}

export interface SystemWriter {
  get(table: string, id: string): StoredDocument | null;
  patch(table: string, id: string, value: Record<string, unknown>): void;
  insert(table: string, value: Record<string, Value>): string;
}
