// startConvexLocal: the embedded, offline Convex runtime (API + sync WebSocket
// on `port`, HTTP actions on `sitePort`) for a functions folder. Bun only.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import type { Server, ServerWebSocket } from "bun";
import { AdminApi } from "./admin-api.ts";
import { AdminKeys, loadOrCreateAdminKey } from "./admin-key.ts";
import { type CronJob, cronJobsOf } from "./cron-schedule.ts";
import { DEFAULT_BLOB_GRACE_MS, DurableStore } from "./durable-store.ts";
import { ConvexEngine, runtimeConsole } from "./engine.ts";
import { loadOptionalModule, scanFunctionsFolder } from "./functions-folder.ts";
import {
  type HttpApiDeps,
  handleApiRequest,
  handleSiteRequest,
  MAX_FUNCTION_BODY_BYTES,
  type UploadTicket,
} from "./http-api.ts";
import { parseAuthConfig, TokenVerifier } from "./jwt-auth.ts";
import { FunctionScheduler } from "./scheduler.ts";
import { SyncServer, type SyncSession } from "./sync-server.ts";

export interface ConvexLocalOptions {
  /** The Convex functions folder (default "convex"). */
  functionsDir?: string;
  /** Port of the deployment URL (API + WebSocket); 0 picks a free one. Default 3210. */
  port?: number;
  /** Port of the site URL (HTTP actions); 0 picks a free one. Default 3211. */
  sitePort?: number;
  /** Data folder (default ".data/convex"). */
  dataDir?: string;
  /** A dotenv file whose variables functions see (the process environment wins). */
  envFile?: string;
  /** Interface to listen on (default 127.0.0.1). */
  hostname?: string;
  /** Print function log lines on this process's output (default true). */
  echoFunctionLogs?: boolean;
  /**
   * Largest file an upload URL accepts, in bytes (default 100 MiB, or
   * CONVEX_LOCAL_MAX_UPLOAD_BYTES). Uploads are streamed to disk, never buffered.
   */
  maxUploadBytes?: number;
  /**
   * Unreferenced blobs younger than this are not collected (default 10 minutes,
   * or CONVEX_LOCAL_BLOB_GRACE_MS). Uploads in progress are never collected.
   */
  blobGraceMs?: number;
  /**
   * Accept the admin key from non-loopback addresses (default false, or
   * CONVEX_LOCAL_ALLOW_REMOTE_ADMIN=1). Only behind something that encrypts.
   */
  allowRemoteAdmin?: boolean;
}

export interface ConvexLocal {
  url: string;
  siteUrl: string;
  functionCount: number;
  /** The file holding the admin key (CONVEX_SELF_HOSTED_ADMIN_KEY for the Convex CLI). */
  adminKeyFile: string;
  /** Whether this start generated the admin key (first start on this data folder). */
  adminKeyCreated: boolean;
  /**
   * Bulk loads by tools of this package (bench/centre): `work` gets a mutation
   * context (`ctx.db`) and its writes commit as one transaction, validated
   * against the schema and persisted like a mutation's.
   */
  runTransaction(work: (ctx: unknown) => Promise<void>): Promise<void>;
  /** Stores a file (blob + `_storage` document) and returns its storage id. */
  storeFile(bytes: Uint8Array, contentType: string): Promise<string>;
  stop(): Promise<void>;
}

const UPLOAD_URL_LIFETIME_MS = 60 * 60 * 1000;
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** Convex's limit on an HTTP action's request body. */
const MAX_HTTP_ACTION_BODY_BYTES = 20 * 1024 * 1024;
/** Unreferenced blobs past the grace period are also collected on this interval. */
const BLOB_COLLECTION_INTERVAL_MS = 5 * 60 * 1000;

/** "104857600", "100MiB", "1GiB", "512KiB" → bytes. */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/i.exec(value);
  if (!match) throw new Error(`Expected a size in bytes (or with KiB, MiB, GiB), got "${value}".`);
  const unit = (match[2] ?? "B").toLowerCase();
  const factor =
    unit === "kib" ? 1024 : unit === "mib" ? 1024 ** 2 : unit === "gib" ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

function envNumber(name: string, parse: (value: string) => number): number | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : parse(value);
}

/** Loads a dotenv file into process.env without overriding variables already set. */
export function loadEnvFile(file: string): number {
  const parsed = parseEnv(readFileSync(file, "utf8"));
  let count = 0;
  for (const [name, value] of Object.entries(parsed)) {
    if (process.env[name] === undefined && value !== undefined) {
      process.env[name] = value;
      count += 1;
    }
  }
  return count;
}

/**
 * Upload URL tokens: `<expiry>.<nonce>.<hmac>`, signed with the folder's
 * secret (they survive a restart). Single use: a token is claimed while its
 * upload runs (a concurrent POST is refused) and consumed for good once the
 * file is stored (recorded in the data folder until it expires); a failed
 * upload (too large, aborted) leaves it usable.
 */
function uploadTokens(secret: Buffer, store: DurableStore) {
  const sign = (payload: string) =>
    createHmac("sha256", secret).update(`upload:${payload}`).digest("base64url");
  const inFlight = new Set<string>();
  const verify = (token: string): { nonce: string; expiry: number } | null => {
    const [expiry, nonce, signature, extra] = token.split(".");
    if (!expiry || !nonce || !signature || extra !== undefined) return null;
    if (!(Number(expiry) >= Date.now())) return null;
    const expected = Buffer.from(sign(`${expiry}.${nonce}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    return { nonce, expiry: Number(expiry) };
  };
  return {
    create(): string {
      const payload = `${Date.now() + UPLOAD_URL_LIFETIME_MS}.${randomBytes(16).toString("hex")}`;
      return `${payload}.${sign(payload)}`;
    },
    begin(token: string): UploadTicket {
      const valid = verify(token);
      if (valid === null) return { status: "invalid" };
      const { nonce, expiry } = valid;
      if (inFlight.has(nonce) || store.isUploadUsed(nonce)) return { status: "used" };
      inFlight.add(nonce);
      return {
        status: "ok",
        finish(stored: boolean) {
          if (!inFlight.delete(nonce)) return;
          if (stored) store.markUploadUsed(nonce, expiry);
        },
      };
    },
  };
}

interface SocketData {
  session: SyncSession | null;
}

export async function startConvexLocal(options: ConvexLocalOptions = {}): Promise<ConvexLocal> {
  const functionsDir = resolve(options.functionsDir ?? "convex");
  const dataDir = resolve(options.dataDir ?? ".data/convex");
  const hostname = options.hostname ?? "127.0.0.1";
  if (options.envFile) loadEnvFile(resolve(options.envFile));

  const maxUploadBytes =
    options.maxUploadBytes ??
    envNumber("CONVEX_LOCAL_MAX_UPLOAD_BYTES", parseByteSize) ??
    DEFAULT_MAX_UPLOAD_BYTES;
  const blobGraceMs =
    options.blobGraceMs ?? envNumber("CONVEX_LOCAL_BLOB_GRACE_MS", Number) ?? DEFAULT_BLOB_GRACE_MS;
  if (!Number.isFinite(maxUploadBytes) || maxUploadBytes < 0) {
    throw new Error(`Invalid upload size limit: ${maxUploadBytes}`);
  }
  if (!Number.isFinite(blobGraceMs) || blobGraceMs < 0) {
    throw new Error(`Invalid blob grace period: ${blobGraceMs}`);
  }

  const { store, state } = DurableStore.open(dataDir, {
    blobGraceMs,
    warn: (message) => runtimeConsole.warn(message),
  });
  let deps: HttpApiDeps | null = null;
  let sync: SyncServer | null = null;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => {
    markReady = r;
  });

  let api: Server<SocketData> | null = null;
  let site: Server<undefined> | null = null;
  try {
    api = Bun.serve<SocketData>({
      hostname,
      port: options.port ?? 3210,
      // Function calls refuse more than 16 MiB themselves (http-api.ts) and
      // uploads stream under their own cap; this is only Bun's outer bound.
      maxRequestBodySize: Math.max(maxUploadBytes, MAX_FUNCTION_BODY_BYTES) + 1,
      async fetch(request, server) {
        await ready;
        const url = new URL(request.url);
        if (/^\/api\/[^/]+\/sync$/.test(url.pathname)) {
          if (server.upgrade(request, { data: { session: null } })) return undefined;
          return new Response("Expected a WebSocket upgrade", { status: 400 });
        }
        return await handleApiRequest(deps!, request, server.requestIP(request)?.address ?? null);
      },
      websocket: {
        open(ws: ServerWebSocket<SocketData>) {
          ws.data.session = sync!.open({
            send: (text) => {
              ws.send(text);
            },
            close: (code, reason) => ws.close(code, reason),
            remoteAddress: ws.remoteAddress,
          });
        },
        message(ws: ServerWebSocket<SocketData>, message) {
          const session = ws.data.session;
          if (session === null) return;
          sync!.receive(session, typeof message === "string" ? message : message.toString("utf8"));
        },
        close(ws: ServerWebSocket<SocketData>) {
          if (ws.data.session !== null) sync!.close(ws.data.session);
        },
      },
      error(error) {
        runtimeConsole.error("[convex-local] request failed", error);
        return new Response(`Internal error: ${error.message}`, { status: 500 });
      },
    });
    site = Bun.serve({
      hostname,
      port: options.sitePort ?? 3211,
      maxRequestBodySize: MAX_HTTP_ACTION_BODY_BYTES,
      async fetch(request) {
        await ready;
        return await handleSiteRequest(deps!, request);
      },
      error(error) {
        return new Response(`Internal error: ${error.message}`, { status: 500 });
      },
    });
  } catch (error) {
    void api?.stop(true);
    store.close();
    throw error;
  }

  const url = `http://${hostname}:${api.port}`;
  const siteUrl = `http://${hostname}:${site.port}`;
  // System environment variables of every Convex deployment.
  process.env.CONVEX_CLOUD_URL = url;
  process.env.CONVEX_SITE_URL = siteUrl;

  let scheduler: FunctionScheduler | null = null;
  try {
    const folder = scanFunctionsFolder(functionsDir);
    const schemaModule = folder.files.has("schema") ? await folder.load("schema") : undefined;
    const authModule = await loadOptionalModule(functionsDir, "auth.config");
    const verifier = new TokenVerifier(parseAuthConfig(authModule?.default), (detail) =>
      runtimeConsole.warn(`[convex-local] auth token refused: ${detail}`),
    );
    const secret = store.secret();
    const tokens = uploadTokens(secret, store);
    let onCommitted: (event: import("./engine.ts").CommitEvent) => void = () => {};
    let onExecution: (execution: import("./engine.ts").FunctionExecution) => void = () => {};
    const engine = new ConvexEngine({
      schema: schemaModule?.default,
      folder,
      store,
      state,
      cloudUrl: url,
      siteUrl,
      uploadToken: tokens,
      fileUrlKey: createHmac("sha256", secret).update("file-url-key").digest(),
      echoLogs: options.echoFunctionLogs ?? true,
      onCommit: (event) => onCommitted(event),
      onExecution: (execution) => onExecution(execution),
    });
    const adminKey = loadOrCreateAdminKey(dataDir);
    const adminKeys = new AdminKeys(
      adminKey.key,
      options.allowRemoteAdmin ?? process.env.CONVEX_LOCAL_ALLOW_REMOTE_ADMIN === "1",
    );
    const admin = new AdminApi(engine, store, adminKeys);
    onExecution = (execution) => admin.logs.record(execution);
    const functions = await engine.listFunctions();
    const crons: CronJob[] = folder.files.has("crons")
      ? cronJobsOf((await folder.load("crons")).default)
      : [];

    sync = new SyncServer(engine, verifier, {}, adminKeys);
    scheduler = new FunctionScheduler(engine);
    const liveSync = sync;
    const liveScheduler = scheduler;
    onCommitted = (event) => {
      liveScheduler.onCommit(event.changes);
      liveSync.onCommit(event.tables, event.keys);
      for (const [id, doc] of event.changes) {
        if (doc === null && id.endsWith("_storage")) collectBlobs();
      }
      if (store.needsCompaction()) scheduleCompaction();
    };

    let compactionQueued = false;
    const scheduleCompaction = () => {
      if (compactionQueued) return;
      compactionQueued = true;
      queueMicrotask(() => {
        compactionQueued = false;
        store.compact(engine.currentState());
      });
    };
    // Blobs no `_storage` document refers to any more (deleted, or left by a crash).
    const collectBlobs = () => {
      const referenced = new Set(
        engine.committedDocuments("_storage").map((doc) => String(doc.sha256)),
      );
      store.collectGarbageBlobs(referenced);
    };

    // Only for an old format or a long log: rewriting a centre's snapshot (hundreds
    // of MB) would cost seconds of every start and stop; a short log is replayed.
    if (store.worthCompactingAtRest()) store.compact(engine.currentState());
    collectBlobs();
    const blobTimer = setInterval(collectBlobs, BLOB_COLLECTION_INTERVAL_MS);
    blobTimer.unref();
    deps = { engine, verifier, beginUpload: tokens.begin, maxUploadBytes, admin };
    await scheduler.start(crons);
    markReady();
    engine.indexTextInBackground();

    let stopped: Promise<void> | null = null;
    return {
      url,
      siteUrl,
      functionCount: functions.length,
      adminKeyFile: adminKey.file,
      adminKeyCreated: adminKey.created,
      runTransaction: (work) => engine.runTransaction(work),
      storeFile: (bytes, contentType) => engine.storeFile(bytes, contentType),
      stop() {
        stopped ??= (async () => {
          clearInterval(blobTimer);
          await liveScheduler.stop();
          liveSync.shutdown();
          await Promise.race([liveSync.idle(), Bun.sleep(5000)]);
          await Promise.all([api.stop(true), site.stop(true)]);
          if (store.worthCompactingAtRest()) store.compact(engine.currentState());
          store.close();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await scheduler?.stop(0);
    sync?.shutdown();
    await Promise.all([api.stop(true), site.stop(true)]);
    store.close();
    throw error;
  }
}
