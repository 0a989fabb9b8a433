// Types of convex-test's internals that the runtime reaches through the
// `convexLocalInternals` patch (patches/convex-test@*.patch): its database
// fake, query sources, pagination, syscall table and test accessor. Only
// the members the runtime uses are declared; nothing here has behaviour.
import type { UserIdentity } from "convex/server";
import type { Value } from "convex/values";
import type { StoredDocument } from "./durable-store.ts";

export type WriteLayer = Record<string, StoredDocument | null>;

export interface DatabaseFake {
  _documents: Record<string, StoredDocument>;
  _nextDocId: number;
  _lastCreationTime: number;
  _writes: WriteLayer[];
  commit(commitTs: bigint | null): void;
  _generateId(table: string): string;
  get(table: string | undefined, id: string): StoredDocument | null;
  insert(table: string, value: Record<string, Value>): string;
  patch(table: string, id: string, value: Record<string, unknown>): void;
  delete(table: string, id: string): void;
  _addWrite(id: string, value: StoredDocument | null): void;
  _validate(table: string, doc: Record<string, unknown>): void;
  _iterateDocs(table: string, callback: (doc: StoredDocument) => void): void;
  _resolveQuerySource(query: unknown): ResolvedSource;
  _evaluateQuery(query: unknown): StoredDocument[];
  startQuery(query: unknown): number;
  queryNext(queryId: number): { value: StoredDocument | null; done: boolean };
  paginate(args: PaginateArgs): PageResult;
  vectorSearch(
    tableAndIndexName: string,
    vector: number[],
    expressions: unknown[],
    limit: number,
  ): Array<{ _id: string; _score: number }>;
  _schema: {
    tables: Map<
      string,
      {
        indexes?: Array<{ indexDescriptor: string; fields: string[] }>;
        searchIndexes?: Array<{
          indexDescriptor: string;
          searchField: string;
          filterFields?: string[];
        }>;
        vectorIndexes?: Array<{
          indexDescriptor: string;
          vectorField: string;
          dimensions: number;
          filterFields?: string[];
        }>;
      }
    >;
  } | null;
}

export interface ResolvedSource {
  sortedDocs: StoredDocument[];
  filterFn: (doc: StoredDocument) => boolean;
  limit: number | null;
  fieldPathsToSortBy: string[];
  order: "asc" | "desc";
}

export interface PaginateArgs {
  query: QueryJson;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number;
  maximumBytesRead?: number;
}

export interface PageResult {
  page: StoredDocument[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: string | null;
}

export interface ConvexGlobal {
  components: Record<string, { db: DatabaseFake }>;
  transactionManager: {
    _lastCommitTs: bigint;
    getMetricsTracker?():
      | { trackRead(bytes: number): void; trackIndexRange?(): void }
      | null
      | undefined;
  };
  syscall: (op: string, jsonArgs: string) => string;
  asyncSyscall: (op: string, jsonArgs: string) => Promise<string>;
  jsSyscall: (op: string, args: Record<string, unknown>) => Promise<unknown>;
}

export interface FunctionPath {
  udfPath: string;
  componentPath: string;
}

export interface Accessor {
  queryFromPath(path: FunctionPath, args: Record<string, Value>): Promise<Value>;
  mutationFromPath(path: FunctionPath, args: Record<string, Value>): Promise<Value>;
  actionFromPath(path: FunctionPath, args: Record<string, Value>): Promise<Value>;
  run<T>(handler: (ctx: unknown) => Promise<T>): Promise<T>;
  fetch(path: string, init: RequestInit): Promise<Response>;
  withIdentity(identity: Partial<UserIdentity>): Accessor;
}

export interface QueryJson {
  source?: {
    type?: string;
    tableName?: string;
    indexName?: string;
    range?: Array<{ type: string; fieldPath: string; value: unknown }>;
    filters?: Array<{ type: string; fieldPath: string; value: unknown }>;
  };
}
