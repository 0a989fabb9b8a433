// Checks an uploaded blob from its bytes (content type, size) and hashes it. Used by the
// user upload action and the worker-secret upload used by the CLI. A refused blob is deleted.
import { assertAcceptedFile } from "@nexus/knowledge/sniff";
import { textLimits } from "@nexus/shared/text";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { cleanArg } from "../lib/text";

function maxDocumentBytes(): number {
  const configured = Number(process.env.DOCUMENT_MAX_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : 20 * 1024 * 1024;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A document title as stored: cleaned like every person-supplied text, 1 to 200 characters. */
export function normaliseTitle(title: string): string {
  return cleanArg(title, { label: "Le titre du document", max: textLimits.title, required: true });
}

export async function inspectUpload(ctx: ActionCtx, storageId: Id<"_storage">) {
  const blob = await ctx.storage.get(storageId);
  if (!blob) throw appError("NOT_FOUND", "Fichier introuvable : recommencez l'envoi.");
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let mime: string;
  try {
    mime = assertAcceptedFile(bytes, { maxBytes: maxDocumentBytes() });
  } catch (error) {
    await ctx.storage.delete(storageId);
    throw appError("INVALID_ARGUMENT", error instanceof Error ? error.message : String(error));
  }
  return { mime, size: bytes.byteLength, sha256: await sha256Hex(bytes) };
}
