// HTTP endpoints of a Convex deployment as the official clients use them
// (convex/browser http_client): /api/query, /api/mutation, /api/action,
// /api/function, /api/run/<path>, /api/query_ts, /api/query_at_ts, plus the
// file storage upload and download URLs.
import { convexToJson, jsonToConvex, type Value } from "convex/values";
import { z } from "zod";
import type { AdminApi } from "./admin-api.ts";
import type { AdminKeys } from "./admin-key.ts";
import { BlobTooLargeError } from "./durable-store.ts";
import { ANONYMOUS, type CallAuth, type CallResult, type ConvexEngine } from "./engine.ts";
import { AuthFailure, type TokenVerifier } from "./jwt-auth.ts";

export const STATUS_UDF_FAILED = 560;

/** Largest request body of a function call (arguments); larger ones get 413 unread. */
export const MAX_FUNCTION_BODY_BYTES = 16 * 1024 * 1024;

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Allow-Headers": "Content-Type, Authorization, Convex-Client",
  "Access-Control-Max-Age": "86400",
};

const callBody = z.object({
  path: z.string().min(1),
  args: z.unknown().optional(),
  format: z.string().optional(),
  componentPath: z.string().optional(),
  ts: z.unknown().optional(),
});

const runBody = z.object({ args: z.unknown().optional(), format: z.string().optional() });

export function withCors(response: Response): Response {
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function badRequest(code: string, message: string, status = 400): Response {
  return json({ code, message }, status);
}

function declaredLength(request: Request): number | null {
  const header = request.headers.get("content-length");
  if (header === null) return null;
  const length = Number(header);
  return Number.isFinite(length) ? length : null;
}

/**
 * The request body, or null as soon as it passes `limit` bytes: a declared
 * Content-Length is checked before reading anything, a chunked body is read
 * only up to the limit.
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = declaredLength(request);
  if (declared !== null && declared > limit) return null;
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function functionBodyTooLarge(): Response {
  return badRequest(
    "RequestTooLarge",
    `The request body is larger than ${MAX_FUNCTION_BODY_BYTES} bytes (16 MiB), the limit for function arguments.`,
    413,
  );
}

/** An admin key refused (wrong key: 401, from a non-loopback address: 403). */
export class AdminAuthFailure extends AuthFailure {
  constructor(
    message: string,
    readonly status: 401 | 403,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The identity of an HTTP request's `Authorization` header: `Bearer <jwt>`,
 * or `Convex <admin key>` when `admin` is given (the deployment URL; HTTP
 * actions never take admin keys).
 */
export async function authFromRequest(
  request: Request,
  verifier: TokenVerifier,
  admin?: { keys: AdminKeys; remoteAddress: string | null },
): Promise<CallAuth> {
  const header = request.headers.get("authorization");
  if (!header) return ANONYMOUS;
  const [scheme, token] = header.split(/\s+/, 2);
  if (scheme === "Convex") {
    if (admin === undefined || !token) {
      throw new AuthFailure("Admin keys are not accepted here.");
    }
    const check = admin.keys.check(token, admin.remoteAddress);
    if (!check.ok) throw new AdminAuthFailure(check.message, check.status, check.code);
    return {
      identity: check.actingAs,
      key: `admin|${check.actingAs?.tokenIdentifier ?? ""}`,
      admin: true,
    };
  }
  if (scheme !== "Bearer" || !token) {
    throw new AuthFailure("The Authorization header must be `Bearer <JWT>`.");
  }
  const verified = await verifier.verify(token);
  return { identity: verified.identity, key: token };
}

function envelope(result: CallResult): Response {
  if (result.ok) {
    return json({
      status: "success",
      value: result.valueJson ?? convexToJson(result.value),
      logLines: result.logLines,
    });
  }
  return json(
    {
      status: "error",
      errorMessage: result.message,
      logLines: result.logLines,
      ...(result.data === undefined ? {} : { errorData: convexToJson(result.data) }),
    },
    STATUS_UDF_FAILED,
  );
}

function decodeArgs(raw: unknown): Record<string, Value> {
  const first = Array.isArray(raw) ? (raw[0] ?? {}) : (raw ?? {});
  const value = jsonToConvex(first as never);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("The arguments to a Convex function must be an object.");
  }
  return value as Record<string, Value>;
}

type Kind = "query" | "mutation" | "action";

/** What an upload URL's token allows. */
export type UploadTicket =
  | { status: "ok"; finish(stored: boolean): void }
  | { status: "invalid" }
  | { status: "used" };

export interface HttpApiDeps {
  engine: ConvexEngine;
  verifier: TokenVerifier;
  /** Claims an upload URL (single use: `finish(true)` consumes it for good). */
  beginUpload(token: string): UploadTicket;
  /** Cap of an uploaded file, in bytes. */
  maxUploadBytes: number;
  /** Admin key checks and the Convex CLI's admin endpoints (none: admin keys refused). */
  admin?: AdminApi;
}

async function callFunction(
  deps: HttpApiDeps,
  request: Request,
  kind: Kind | "any",
  remoteAddress: string | null,
  pathFromUrl?: string,
): Promise<Response> {
  // A declared oversized body is refused before auth and before reading it.
  const declared = declaredLength(request);
  if (declared !== null && declared > MAX_FUNCTION_BODY_BYTES) return functionBodyTooLarge();
  let auth: CallAuth;
  try {
    auth = await authFromRequest(
      request,
      deps.verifier,
      deps.admin ? { keys: deps.admin.keys, remoteAddress } : undefined,
    );
  } catch (error) {
    if (error instanceof AdminAuthFailure) {
      // Admin key refusals say why (the key is not the runtime's, or the caller is not local).
      return badRequest(error.code, error.detail, error.status);
    }
    return badRequest(
      "Unauthenticated",
      error instanceof Error ? error.message : String(error),
      401,
    );
  }
  const raw = await readBodyLimited(request, MAX_FUNCTION_BODY_BYTES);
  if (raw === null) return functionBodyTooLarge();
  let udfPath: string;
  let args: Record<string, Value>;
  try {
    const body = JSON.parse(new TextDecoder().decode(raw)) as unknown;
    if (pathFromUrl !== undefined) {
      udfPath = pathFromUrl;
      args = decodeArgs(runBody.parse(body).args);
    } else {
      const parsed = callBody.parse(body);
      if (parsed.componentPath) {
        return badRequest("BadRequest", "convex-local does not support components.");
      }
      udfPath = parsed.path;
      args = decodeArgs(parsed.args);
    }
  } catch (error) {
    return badRequest("BadJsonBody", error instanceof Error ? error.message : String(error));
  }
  let resolved: Kind;
  if (kind === "any" && udfPath.startsWith("_system/")) {
    resolved = "query";
  } else if (kind === "any") {
    const info = await deps.engine.describe(udfPath);
    resolved = info?.kind === "mutation" || info?.kind === "action" ? info.kind : "query";
  } else {
    resolved = kind;
  }
  return envelope(await deps.engine.call(resolved, udfPath, args, { auth, publicOnly: true }));
}

function uploadTooLarge(maxBytes: number): Response {
  return badRequest(
    "StorageUploadTooLarge",
    `The file is larger than the upload limit of this runtime (${maxBytes} bytes).`,
    413,
  );
}

/** The POST to an upload URL: streamed to disk under the size cap, then committed. */
async function upload(deps: HttpApiDeps, request: Request, url: URL): Promise<Response> {
  const token = url.searchParams.get("token");
  const ticket: UploadTicket = token ? deps.beginUpload(token) : { status: "invalid" };
  if (ticket.status === "invalid") {
    return badRequest("StorageUploadUrlInvalid", "This upload URL is invalid or has expired.", 401);
  }
  if (ticket.status === "used") {
    return badRequest(
      "StorageUploadUrlUsed",
      "This upload URL has already been used (upload URLs are single use): generate a new one.",
      409,
    );
  }
  let stored = false;
  try {
    const declared = declaredLength(request);
    if (declared !== null && declared > deps.maxUploadBytes) {
      return uploadTooLarge(deps.maxUploadBytes);
    }
    const contentType = request.headers.get("content-type") ?? undefined;
    const storageId = await deps.engine.storeUpload(
      request.body as AsyncIterable<Uint8Array> | null,
      contentType,
      deps.maxUploadBytes,
    );
    stored = true;
    return json({ storageId });
  } catch (error) {
    if (error instanceof BlobTooLargeError) return uploadTooLarge(error.maxBytes);
    throw error;
  } finally {
    ticket.finish(stored);
  }
}

/** Serves a file by the token of its URL (from `ctx.storage.getUrl()`), never by its id. */
function download(deps: HttpApiDeps, token: string, method: string): Response {
  const file = deps.engine.fileInfo(token);
  if (file === null) return new Response("File not found", { status: 404 });
  const headers = {
    "Content-Type": file.contentType ?? "application/octet-stream",
    "Content-Length": String(file.size),
    "Cache-Control": "private, max-age=2592000",
  };
  if (method === "HEAD") return new Response(null, { headers });
  return new Response(Bun.file(file.path), { headers });
}

/**
 * Answers a request of the deployment URL (the WebSocket upgrade is handled
 * by the caller). `remoteAddress` is the peer's IP (admin keys are accepted
 * from loopback only, unless configured).
 */
export async function handleApiRequest(
  deps: HttpApiDeps,
  request: Request,
  remoteAddress: string | null = null,
): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  if (request.method === "OPTIONS") return withCors(new Response(null, { status: 204 }));
  // The CLI's admin endpoints: no CORS headers (browsers have no business there).
  const adminResponse = await deps.admin?.handle(request, url, remoteAddress);
  if (adminResponse) return adminResponse;
  let response: Response;
  if (request.method === "POST") {
    switch (path) {
      case "/api/query":
      case "/api/query_at_ts":
        response = await callFunction(deps, request, "query", remoteAddress);
        break;
      case "/api/mutation":
        response = await callFunction(deps, request, "mutation", remoteAddress);
        break;
      case "/api/action":
        response = await callFunction(deps, request, "action", remoteAddress);
        break;
      case "/api/function":
        response = await callFunction(deps, request, "any", remoteAddress);
        break;
      case "/api/query_ts":
        // query_at_ts runs at the latest state: there is no history here.
        response = json({ ts: deps.engine.lastCommitTs.toString() });
        break;
      case "/api/storage/upload":
        response = await upload(deps, request, url);
        break;
      default:
        if (path.startsWith("/api/run/")) {
          const segments = path.slice("/api/run/".length).split("/").filter(Boolean);
          const fn = segments.pop();
          response =
            fn === undefined || segments.length === 0
              ? badRequest("BadRequest", "Expected /api/run/<module path>/<function name>.", 404)
              : await callFunction(
                  deps,
                  request,
                  "any",
                  remoteAddress,
                  `${segments.join("/")}:${fn}`,
                );
        } else {
          response = badRequest("NotFound", `No route for POST ${path}`, 404);
        }
    }
  } else if (
    (request.method === "GET" || request.method === "HEAD") &&
    path.startsWith("/api/storage/")
  ) {
    // The path is compared as is (a token is plain hex): no decoding, so a
    // malformed escape is just an unknown file. No CORS header on files.
    return download(deps, path.slice("/api/storage/".length), request.method);
  } else if (request.method === "GET" && (path === "/" || path === "/version")) {
    response = new Response(
      "convex-local: embedded offline Convex runtime for development and tests (not a production backend).\n",
      { headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  } else {
    response = badRequest("NotFound", `No route for ${request.method} ${path}`, 404);
  }
  return withCors(response);
}

/** Serves an http.ts route on the site URL. */
export async function handleSiteRequest(deps: HttpApiDeps, request: Request): Promise<Response> {
  if (!deps.engine.hasHttpRouter) {
    return new Response("This functions folder has no http.ts router.", { status: 404 });
  }
  let auth: CallAuth;
  try {
    auth = await authFromRequest(request, deps.verifier);
  } catch (error) {
    return badRequest(
      "Unauthenticated",
      error instanceof Error ? error.message : String(error),
      401,
    );
  }
  const url = new URL(request.url);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const init: RequestInit = {
    method: request.method,
    headers: request.headers,
    ...(hasBody ? { body: await request.arrayBuffer() } : {}),
  };
  try {
    return await deps.engine.httpAction(`${url.pathname}${url.search}`, init, auth);
  } catch (error) {
    return new Response(`Server Error: ${error instanceof Error ? error.message : String(error)}`, {
      status: 500,
    });
  }
}
