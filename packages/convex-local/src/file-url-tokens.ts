// Tokens of file URLs (`<url>/api/storage/<token>`): derived from the
// storage id with the data folder's secret, so a URL names one file without
// being its storage id. Serving by token is the engine's and http-api.ts's.
import { createHmac } from "node:crypto";

/** Tokens of file URLs: 32 hex characters (128 bits), never the storage id. */
export const FILE_URL_TOKEN = /^[0-9a-f]{32}$/;

/**
 * The token of a file's URL: HMAC-SHA256 of its storage id under the
 * folder's secret, 128 bits in hex. Unguessable without the secret, not the
 * storage id, and stable (the same URL across calls and restarts, so
 * subscribed queries returning it do not change).
 */
export function fileUrlToken(key: Buffer, storageId: string): string {
  return createHmac("sha256", key).update(`file-url:${storageId}`).digest("hex").slice(0, 32);
}
