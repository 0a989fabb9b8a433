// What the Convex CLI's admin commands call, with the admin key
// (admin-key.ts): the `_system/cli/*` functions it runs through the clients
// (env, data, export and import state) and the HTTP endpoints it fetches:
//   POST /api/update_environment_variables   convex env set/remove
//   POST /api/export/request/zip              convex export (built at once)
//   GET  /api/export/zip/<ts>                 its download
//   POST /api/import/start_upload, /api/import/upload_part,
//        /api/import/finish_upload, /api/perform_import   convex import
//   GET  /api/stream_function_logs?cursor=    convex logs (long poll)
// Exports and imports are done synchronously inside the request, so their
// state is final when the CLI subscribes to it.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Value } from "convex/values";
import type { AdminKeys } from "./admin-key.ts";
import { DeploymentEnv, EnvChangeError } from "./deployment-env.ts";
import { randomDocumentId, tableNameFromId } from "./document-ids.ts";
import { type DurableStore, type StoredDocument, sha256Base64 } from "./durable-store.ts";
import type { ConvexEngine } from "./engine.ts";
import { FunctionLogs } from "./function-logs.ts";
import { parseSnapshotZip, parseTableFile, writeSnapshotZip } from "./snapshot.ts";

type ExportState =
  | {
      state: "completed";
      start_ts: bigint;
      complete_ts: bigint;
      expiration_ts: bigint;
      zip_object_key: string;
    }
  | { state: "failed"; start_ts: bigint };

type ImportState =
  | {
      state: "waiting_for_confirmation";
      message_to_confirm: string;
      require_manual_confirmation: boolean;
    }
  | { state: "completed"; num_rows_written: bigint }
  | { state: "failed"; error_message: string };

interface ImportPlan {
  deletes: string[];
  inserts: Array<{ table: string; doc: StoredDocument }>;
  blobs: Map<string, Uint8Array>;
}

interface ImportRecord {
  id: string;
  state: ImportState;
  plan: ImportPlan | null;
  creationTime: number;
}

const IMPORT_ARGS = {
  modes: new Set(["requireEmpty", "append", "replace", "replaceAll"]),
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function error(code: string, message: string, status = 400): Response {
  return json({ code, message }, status);
}

export class AdminApi {
  readonly logs = new FunctionLogs();
  readonly env: DeploymentEnv;
  private latestExport: ExportState | null = null;
  private readonly imports = new Map<string, ImportRecord>();
  private readonly uploadsDir: string;
  private readonly exportsDir: string;

  constructor(
    private readonly engine: ConvexEngine,
    private readonly store: DurableStore,
    readonly keys: AdminKeys,
  ) {
    this.env = new DeploymentEnv(store.dir);
    this.uploadsDir = join(store.dir, "imports");
    this.exportsDir = join(store.dir, "exports");
    // Leftovers of uploads interrupted by a restart.
    rmSync(this.uploadsDir, { recursive: true, force: true });
    this.registerSystemFunctions();
  }

  // ---- _system/cli functions ----

  private registerSystemFunctions(): void {
    const fns = this.engine.systemFunctions;
    fns.set("_system/cli/queryEnvironmentVariables:default", () => ({
      value: this.env.list(),
      tables: [],
    }));
    fns.set("_system/cli/queryEnvironmentVariables:get", (args) => {
      const name = String(args.name);
      const value = this.env.get(name);
      return { value: value === null ? null : { name, value }, tables: [] };
    });
    fns.set("_system/cli/tables:default", () => ({
      value: {
        page: this.userTables().map((name) => ({ name })),
        isDone: true,
        continueCursor: "_end_cursor",
      },
      tables: [],
    }));
    fns.set("_system/cli/tableData:default", (args) => {
      const table = String(args.table);
      const order = args.order === "asc" ? 1 : -1;
      const docs = this.engine
        .committedDocuments(table)
        .sort((a, b) => order * (a._creationTime - b._creationTime));
      const opts = (args.paginationOpts ?? {}) as { cursor?: string | null; numItems?: number };
      const start = opts.cursor ? Number(opts.cursor) : 0;
      const count = Math.max(1, Number(opts.numItems ?? 100));
      const page = docs.slice(start, start + count);
      const end = start + page.length;
      return {
        value: { page, isDone: end >= docs.length, continueCursor: String(end) },
        tables: [table],
      };
    });
    fns.set("_system/cli/exports:getLatest", () => ({
      value: (this.latestExport ?? null) as Value,
      tables: [],
    }));
    fns.set("_system/cli/queryImport:default", (args) => {
      const record = this.imports.get(String(args.importId));
      return { value: record ? this.describeImport(record) : null, tables: [] };
    });
    fns.set("_system/cli/queryImport:list", () => ({
      value: [...this.imports.values()].map((r) => this.describeImport(r)),
      tables: [],
    }));
    fns.set("_system/cli/modules:apiSpec", async () => ({
      value: (await this.engine.listFunctions())
        .filter((fn) => fn.kind !== "httpAction")
        .map((fn) => ({
          identifier: fn.udfPath.replace(/^([^:]*):/, "$1.js:"),
          functionType: fn.kind.charAt(0).toUpperCase() + fn.kind.slice(1),
          visibility: { kind: fn.visibility },
        })),
      tables: [],
    }));
  }

  private describeImport(record: ImportRecord): Value {
    return { _id: record.id, _creationTime: record.creationTime, state: record.state as Value };
  }

  /** Tables of the schema and tables holding documents (no system tables). */
  private userTables(): string[] {
    const names = new Set([...this.engine.schemaTableNames(), ...this.engine.tableNames()]);
    return [...names].filter((name) => !name.startsWith("_")).sort();
  }

  // ---- HTTP ----

  /** Answers an admin endpoint, or null when the path is not one. */
  async handle(request: Request, url: URL, remoteAddress: string | null): Promise<Response | null> {
    const path = url.pathname;
    const route = ADMIN_ROUTES.find((r) => r.method === request.method && r.match.test(path));
    if (route === undefined) return null;
    const header = request.headers.get("authorization") ?? "";
    const [scheme, key] = header.split(/\s+/, 2);
    if (scheme !== "Convex" || !key) {
      return error(
        "MissingAdminKey",
        "This endpoint needs the admin key (`Authorization: Convex <key>`).",
        401,
      );
    }
    const check = this.keys.check(key, remoteAddress);
    if (!check.ok) return error(check.code, check.message, check.status);
    try {
      return await route.run(this, request, url);
    } catch (thrown) {
      if (thrown instanceof EnvChangeError)
        return error("InvalidEnvironmentVariable", thrown.message);
      return error(
        "AdminRequestFailed",
        thrown instanceof Error ? thrown.message : String(thrown),
        500,
      );
    }
  }

  async updateEnv(request: Request): Promise<Response> {
    const body = (await request.json()) as {
      changes?: Array<{ name: string; value?: string | null }>;
    };
    if (!Array.isArray(body.changes)) return error("BadRequest", "Expected { changes: [...] }.");
    this.env.update(body.changes);
    return json({});
  }

  requestExport(url: URL): Response {
    const includeStorage = url.searchParams.get("includeStorage") === "true";
    const ts = this.engine.lastCommitTs;
    mkdirSync(this.exportsDir, { recursive: true, mode: 0o700 });
    const file = join(this.exportsDir, `snapshot_${ts}.zip`);
    const previous = this.latestExport;
    try {
      // Synchronous from here to the end: no commit can interleave, the snapshot is consistent.
      writeSnapshotZip(
        file,
        {
          tables: [...this.userTables(), "_storage"],
          documents: (table) => this.engine.committedDocuments(table),
          readBlob: (sha256) => this.store.readBlob(sha256),
        },
        includeStorage,
      );
    } catch (thrown) {
      this.latestExport = { state: "failed", start_ts: ts };
      throw thrown;
    }
    if (previous?.state === "completed" && previous.zip_object_key !== file) {
      rmSync(previous.zip_object_key, { force: true });
    }
    const now = BigInt(Date.now()) * 1_000_000n;
    this.latestExport = {
      state: "completed",
      start_ts: ts,
      complete_ts: now,
      expiration_ts: now + 14n * 24n * 3600n * 1_000_000_000n,
      zip_object_key: file,
    };
    return json({});
  }

  downloadExport(url: URL): Response {
    const ts = url.pathname.slice("/api/export/zip/".length);
    const latest = this.latestExport;
    if (
      latest?.state !== "completed" ||
      latest.start_ts.toString() !== ts ||
      !existsSync(latest.zip_object_key)
    ) {
      return error("ExportNotFound", `No snapshot export at timestamp ${ts}.`, 404);
    }
    return new Response(Bun.file(latest.zip_object_key), {
      headers: {
        "Content-Type": "application/zip",
        "Content-Length": String(statSync(latest.zip_object_key).size),
        "Content-Disposition": `attachment; filename=snapshot_${ts}.zip`,
      },
    });
  }

  startUpload(): Response {
    const token = randomBytes(16).toString("hex");
    mkdirSync(join(this.uploadsDir, token), { recursive: true, mode: 0o700 });
    return json({ uploadToken: token });
  }

  async uploadPart(request: Request, url: URL): Promise<Response> {
    const token = url.searchParams.get("uploadToken") ?? "";
    const part = Number(url.searchParams.get("partNumber"));
    const dir = join(this.uploadsDir, token);
    if (!/^[0-9a-f]{32}$/.test(token) || !existsSync(dir)) {
      return error("InvalidUploadToken", "Unknown import upload.");
    }
    if (!Number.isInteger(part) || part < 1 || part > 10_000) {
      return error("InvalidPartNumber", "partNumber must be 1 to 10000.");
    }
    appendFileSync(join(dir, `part-${part}`), new Uint8Array(await request.arrayBuffer()), {
      mode: 0o600,
    });
    return json(String(part));
  }

  async finishUpload(request: Request): Promise<Response> {
    const body = (await request.json()) as {
      import?: { tableName?: string; mode?: string; format?: string; componentPath?: string };
      uploadToken?: string;
      partTokens?: string[];
    };
    const token = body.uploadToken ?? "";
    const dir = join(this.uploadsDir, token);
    if (!/^[0-9a-f]{32}$/.test(token) || !existsSync(dir)) {
      return error("InvalidUploadToken", "Unknown import upload.");
    }
    const parts = (body.partTokens ?? []).map((p) => readFileSync(join(dir, `part-${Number(p)}`)));
    rmSync(dir, { recursive: true, force: true });
    const data = Buffer.concat(parts);
    const args = body.import ?? {};
    const record: ImportRecord = {
      id: randomDocumentId("_snapshot_imports"),
      state: { state: "failed", error_message: "" },
      plan: null,
      creationTime: Date.now(),
    };
    try {
      if (args.componentPath) throw new Error("convex-local does not support components.");
      const mode = args.mode ?? "requireEmpty";
      if (!IMPORT_ARGS.modes.has(mode)) throw new Error(`Unknown import mode ${mode}.`);
      const { plan, summary } = this.planImport(data, args.format ?? "zip", args.tableName, mode);
      record.plan = plan;
      record.state = {
        state: "waiting_for_confirmation",
        message_to_confirm: summary,
        require_manual_confirmation: true,
      };
    } catch (thrown) {
      record.state = {
        state: "failed",
        error_message: thrown instanceof Error ? thrown.message : String(thrown),
      };
    }
    this.imports.set(record.id, record);
    return json({ importId: record.id });
  }

  async performImport(request: Request): Promise<Response> {
    const { importId } = (await request.json()) as { importId?: string };
    const record = this.imports.get(String(importId));
    if (record === undefined) return error("ImportNotFound", `No import ${importId}.`, 404);
    if (record.state.state !== "waiting_for_confirmation" || record.plan === null) {
      return error("ImportNotWaiting", "This import is not waiting for confirmation.");
    }
    const plan = record.plan;
    record.plan = null;
    const releases: Array<() => void> = [];
    try {
      // Blobs first (durable, pinned), then every document in one transaction.
      for (const [, bytes] of plan.blobs) {
        const sha256 = this.store.writeBlob(bytes);
        releases.push(this.store.pinBlob(sha256));
      }
      await this.engine.importDocuments(plan.deletes, plan.inserts);
      record.state = { state: "completed", num_rows_written: BigInt(plan.inserts.length) };
    } catch (thrown) {
      record.state = {
        state: "failed",
        error_message: thrown instanceof Error ? thrown.message : String(thrown),
      };
    } finally {
      for (const release of releases) release();
    }
    return json({});
  }

  private planImport(
    data: Buffer,
    format: string,
    tableName: string | undefined,
    mode: string,
  ): { plan: ImportPlan; summary: string } {
    let tables: Map<string, StoredDocument[]>;
    const blobs = new Map<string, Uint8Array>();
    if (format === "zip") {
      const parsed = parseSnapshotZip(data);
      tables = parsed.tables;
      const files = tables.get("_storage") ?? [];
      const kept: StoredDocument[] = [];
      for (const file of files) {
        const bytes = parsed.files.get(file._id);
        if (bytes === undefined) continue; // metadata without bytes (export without storage)
        const sha256 = sha256Base64(bytes);
        blobs.set(sha256, bytes);
        kept.push({ ...file, sha256, size: bytes.byteLength });
      }
      const known = new Set(files.map((f) => f._id));
      for (const [id, bytes] of parsed.files) {
        if (known.has(id)) continue;
        const sha256 = sha256Base64(bytes);
        blobs.set(sha256, bytes);
        kept.push({ _id: id, _creationTime: Date.now(), sha256, size: bytes.byteLength });
      }
      if (files.length > 0 || kept.length > 0) tables.set("_storage", kept);
    } else {
      if (!tableName) throw new Error("A table name is needed for this format.");
      const rows = parseTableFile(format, data.toString("utf8"));
      const now = Date.now();
      tables = new Map([
        [
          tableName,
          rows.map((row, i) => {
            const fields = { ...(row as Record<string, Value>) };
            delete fields._id;
            delete fields._creationTime;
            return {
              ...fields,
              _id: randomDocumentId(tableName),
              _creationTime: now + i * 0.001,
            } as StoredDocument;
          }),
        ],
      ]);
    }
    const deletes: string[] = [];
    const lines: string[] = [];
    const affected =
      mode === "replaceAll"
        ? new Set([...this.userTables(), "_storage", ...tables.keys()])
        : new Set(tables.keys());
    for (const table of [...affected].sort()) {
      const existing = this.engine.committedDocuments(table);
      const incoming = tables.get(table)?.length ?? 0;
      if (existing.length > 0 && incoming > 0 && mode === "requireEmpty") {
        throw new Error(
          `Table "${table}" is not empty (${existing.length} documents): import with --replace, --replace-all or --append.`,
        );
      }
      if (mode === "replace" || mode === "replaceAll") {
        for (const doc of existing) deletes.push(doc._id);
      }
      if (incoming > 0 || (deletes.length > 0 && existing.length > 0)) {
        const deleted = mode === "replace" || mode === "replaceAll" ? existing.length : 0;
        lines.push(`${table} | create ${incoming} | delete ${deleted}`);
      }
    }
    const inserts: Array<{ table: string; doc: StoredDocument }> = [];
    for (const [table, docs] of tables) {
      for (const doc of docs) {
        if (tableNameFromId(doc._id) !== table) throw new Error(`Bad id ${doc._id} in ${table}.`);
        inserts.push({ table, doc });
      }
    }
    // Files before the documents that refer to them (same transaction anyway).
    inserts.sort((a, b) => Number(b.table === "_storage") - Number(a.table === "_storage"));
    return {
      plan: { deletes, inserts, blobs },
      summary: `Import change summary:\ntable | create | delete\n${lines.join("\n")}\nOnce the import has started, it will run in the background.\nInterrupting \`npx convex import\` will not cancel it.`,
    };
  }
}

const ADMIN_ROUTES: Array<{
  method: string;
  match: RegExp;
  run(api: AdminApi, request: Request, url: URL): Response | Promise<Response>;
}> = [
  { method: "POST", match: /^\/api\/update_environment_variables$/, run: (a, r) => a.updateEnv(r) },
  { method: "POST", match: /^\/api\/export\/request\/zip$/, run: (a, _r, u) => a.requestExport(u) },
  { method: "GET", match: /^\/api\/export\/zip\/\d+$/, run: (a, _r, u) => a.downloadExport(u) },
  { method: "POST", match: /^\/api\/import\/start_upload$/, run: (a) => a.startUpload() },
  { method: "POST", match: /^\/api\/import\/upload_part$/, run: (a, r, u) => a.uploadPart(r, u) },
  { method: "POST", match: /^\/api\/import\/finish_upload$/, run: (a, r) => a.finishUpload(r) },
  { method: "POST", match: /^\/api\/perform_import$/, run: (a, r) => a.performImport(r) },
  {
    method: "GET",
    match: /^\/api\/stream_function_logs$/,
    run: async (a, _r, u) =>
      json(await a.logs.poll(Number(u.searchParams.get("cursor") ?? 0) || 0, 10_000)),
  },
];
