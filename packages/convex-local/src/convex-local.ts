// startConvexLocal: the embedded, offline Convex runtime (API + sync WebSocket
// on `port`, HTTP actions on `sitePort`) for a functions folder. Bun only.
import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import type { Server, ServerWebSocket } from "bun";
import { type CronJob, cronJobsOf } from "./cron-schedule.ts";
import { DurableStore } from "./durable-store.ts";
import { ConvexEngine, runtimeConsole } from "./engine.ts";
import { loadOptionalModule, scanFunctionsFolder } from "./functions-folder.ts";
import { type HttpApiDeps, handleApiRequest, handleSiteRequest } from "./http-api.ts";
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
}

export interface ConvexLocal {
  url: string;
  siteUrl: string;
  functionCount: number;
  stop(): Promise<void>;
}

const UPLOAD_URL_LIFETIME_MS = 60 * 60 * 1000;

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

function uploadTokens(secret: Buffer) {
  const sign = (expiry: string) => createHmac("sha256", secret).update(expiry).digest("base64url");
  return {
    create(): string {
      const expiry = String(Date.now() + UPLOAD_URL_LIFETIME_MS);
      return `${expiry}.${sign(expiry)}`;
    },
    verify(token: string): boolean {
      const [expiry, signature] = token.split(".");
      if (!expiry || !signature || Number(expiry) < Date.now()) return false;
      const expected = Buffer.from(sign(expiry));
      const actual = Buffer.from(signature);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
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

  const { store, state } = DurableStore.open(dataDir);
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
      maxRequestBodySize: 1024 * 1024 * 1024,
      async fetch(request, server) {
        await ready;
        const url = new URL(request.url);
        if (/^\/api\/[^/]+\/sync$/.test(url.pathname)) {
          if (server.upgrade(request, { data: { session: null } })) return undefined;
          return new Response("Expected a WebSocket upgrade", { status: 400 });
        }
        return await handleApiRequest(deps!, request);
      },
      websocket: {
        open(ws: ServerWebSocket<SocketData>) {
          ws.data.session = sync!.open({
            send: (text) => {
              ws.send(text);
            },
            close: (code, reason) => ws.close(code, reason),
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
      maxRequestBodySize: 1024 * 1024 * 1024,
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
    const verifier = new TokenVerifier(parseAuthConfig(authModule?.default));
    const tokens = uploadTokens(store.secret());
    let onCommitted: (event: import("./engine.ts").CommitEvent) => void = () => {};
    const engine = new ConvexEngine({
      schema: schemaModule?.default,
      folder,
      store,
      state,
      cloudUrl: url,
      siteUrl,
      uploadToken: tokens,
      echoLogs: options.echoFunctionLogs ?? true,
      onCommit: (event) => onCommitted(event),
    });
    const functions = await engine.listFunctions();
    const crons: CronJob[] = folder.files.has("crons")
      ? cronJobsOf((await folder.load("crons")).default)
      : [];

    sync = new SyncServer(engine, verifier);
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

    store.compact(engine.currentState());
    collectBlobs();
    deps = { engine, verifier, verifyUploadToken: tokens.verify };
    await scheduler.start(crons);
    markReady();

    let stopped: Promise<void> | null = null;
    return {
      url,
      siteUrl,
      functionCount: functions.length,
      stop() {
        stopped ??= (async () => {
          await liveScheduler.stop();
          liveSync.shutdown();
          await Promise.race([liveSync.idle(), Bun.sleep(5000)]);
          await Promise.all([api.stop(true), site.stop(true)]);
          store.compact(engine.currentState());
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
