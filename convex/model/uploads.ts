// Files people upload, bound to their uploader. Rules:
// - An upload URL for a person comes with a slot (`uploads` row: who, what for, issued at,
//   expires one hour later, pending). The file posted to that URL becomes usable only when the
//   same person claims the slot, once, before it expires, with a file created after the slot
//   was issued and referenced by nothing (no document, no bilan report, no other slot).
// - Size and declared content type are checked from the storage metadata before any byte is
//   read; then the bytes are sniffed and hashed (inspectUpload): the bytes have the last word.
// - A refusal deletes the file only when it can be nothing but the caller's own attempt:
//   the slot is theirs, the file was created after it and nothing references it. A file that
//   belongs to someone else is never deleted; true orphans are left to the storage sweep
//   (model/storageSweep.ts), which only deletes files older than an hour.
// This module never returns a storage id to a client.
import {
  ACCEPTED_FORMATS_LABEL,
  ACCEPTED_MIME_TYPES,
  assertAcceptedFile,
  formatBytes,
} from "@nexus/knowledge/sniff";
import { textLimits } from "@nexus/shared/text";
import type { DocumentByName, SystemDataModel } from "convex/server";
import { ConvexError } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { ActionCtx, MutationCtx, QueryCtx } from "../_generated/server";
import type { AppErrorData, ErrorCode } from "../lib/errors";
import { cleanArg } from "../lib/text";
import type { User } from "./access";

type StoredFile = DocumentByName<SystemDataModel, "_storage">;

/** How long an upload URL (and its slot) may be used. */
export const UPLOAD_SLOT_TTL_MS = 60 * 60 * 1000;

export function maxDocumentBytes(): number {
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

/** Opens the slot that goes with an upload URL issued to `userId`. */
export async function openUploadSlot(
  ctx: MutationCtx,
  userId: Id<"users">,
  purpose: Doc<"uploads">["purpose"],
  now: number,
): Promise<Id<"uploads">> {
  return await ctx.db.insert("uploads", {
    userId,
    purpose,
    status: "pending",
    createdAt: now,
    expiresAt: now + UPLOAD_SLOT_TTL_MS,
  });
}

/** What owns this file, if anything: a document or a bilan report. */
export async function fileOwner(
  ctx: QueryCtx,
  storageId: Id<"_storage">,
): Promise<"document" | "bilan" | "export" | "ariaSheet" | null> {
  const document = await ctx.db
    .query("documents")
    .withIndex("by_storageId", (q) => q.eq("storageId", storageId))
    .first();
  if (document) return "document";
  const bilan = await ctx.db
    .query("bilans")
    .withIndex("by_pdfStorageId", (q) => q.eq("pdf.storageId", storageId))
    .first();
  if (bilan) return "bilan";
  // A personal-data export's ZIP (deleted by retention when it expires).
  const request = await ctx.db
    .query("rgpdRequests")
    .withIndex("by_storageId", (q) => q.eq("storageId", storageId))
    .first();
  if (request) return "export";
  // An ARIA revision sheet's PDF (deleted with its conversation).
  const sheet = await ctx.db
    .query("ariaSheets")
    .withIndex("by_storageId", (q) => q.eq("storageId", storageId))
    .first();
  return sheet ? "ariaSheet" : null;
}

/** What already holds this file, if anything: a document, a bilan report or a claimed slot. */
export async function storageReference(
  ctx: QueryCtx,
  storageId: Id<"_storage">,
): Promise<"document" | "bilan" | "export" | "ariaSheet" | "upload" | null> {
  const owner = await fileOwner(ctx, storageId);
  if (owner) return owner;
  const slot = await ctx.db
    .query("uploads")
    .withIndex("by_storageId", (q) => q.eq("storageId", storageId))
    .first();
  return slot ? "upload" : null;
}

export type UploadRefusal = { ok: false; code: ErrorCode; message: string };
export type UploadVetting =
  | { ok: true; slot: Doc<"uploads">; size: number; contentType?: string }
  | UploadRefusal;

const NOT_THIS_UPLOAD =
  "Ce fichier n'a pas été envoyé avec cette adresse d'envoi : recommencez l'envoi.";

function refusal(code: ErrorCode, message: string): UploadRefusal {
  return { ok: false, code, message };
}

/** Turns a refusal (returned by a mutation, so its deletion is committed) into the caller's error. */
export function refusalError(refused: {
  code: string;
  message: string;
}): ConvexError<AppErrorData> {
  return new ConvexError({ code: refused.code as ErrorCode, message: refused.message });
}

/**
 * The slot and the file, if the file can only be the caller's own attempt through that slot:
 * the slot is theirs, the file exists, was created after the slot and is referenced by nothing.
 * Otherwise a refusal, and the file must be left alone.
 */
async function ownAttempt(
  ctx: QueryCtx,
  user: User,
  uploadId: Id<"uploads">,
  storageId: Id<"_storage">,
): Promise<{ ok: true; slot: Doc<"uploads">; file: StoredFile } | UploadRefusal> {
  const slot = await ctx.db.get(uploadId);
  if (!slot || slot.userId !== user._id) {
    return refusal("NOT_FOUND", "Envoi introuvable : demandez une nouvelle adresse d'envoi.");
  }
  const file = await ctx.db.system.get(storageId);
  if (!file) return refusal("NOT_FOUND", "Fichier introuvable : recommencez l'envoi.");
  if (file._creationTime < slot._creationTime) return refusal("INVALID_ARGUMENT", NOT_THIS_UPLOAD);
  if ((await storageReference(ctx, storageId)) !== null) {
    return refusal("INVALID_ARGUMENT", NOT_THIS_UPLOAD);
  }
  return { ok: true, slot, file };
}

/** Size and declared type from the storage metadata, before any byte is read. */
function metadataRefusal(file: StoredFile): UploadRefusal | null {
  if (file.size === 0) return refusal("INVALID_ARGUMENT", "Le fichier est vide.");
  const max = maxDocumentBytes();
  if (file.size > max) {
    return refusal(
      "INVALID_ARGUMENT",
      `Le fichier est trop volumineux (${formatBytes(file.size)}) : la taille maximale est de ${formatBytes(max)}.`,
    );
  }
  const declared = file.contentType?.split(";")[0]?.trim().toLowerCase();
  if (declared && !(ACCEPTED_MIME_TYPES as readonly string[]).includes(declared)) {
    return refusal(
      "INVALID_ARGUMENT",
      `Format de fichier non pris en charge : seuls les fichiers ${ACCEPTED_FORMATS_LABEL} sont acceptés.`,
    );
  }
  return null;
}

/** Refuses the caller's own attempt: the file is deleted and the slot cannot be used again. */
async function discardOwnAttempt(
  ctx: MutationCtx,
  slot: Doc<"uploads">,
  storageId: Id<"_storage">,
  now: number,
) {
  await ctx.storage.delete(storageId);
  if (slot.status === "pending")
    await ctx.db.patch(slot._id, { status: "refused", claimedAt: now });
}

/**
 * Checks everything about an upload that needs no byte of it. `check` adds the caller's own
 * rules (upload access) and throws a ConvexError to refuse. Never throws itself: a refusal is
 * returned, so the deletion it may carry out is committed.
 */
export async function vetUpload(
  ctx: MutationCtx,
  user: User,
  ids: { uploadId: Id<"uploads">; storageId: Id<"_storage"> },
  now: number,
  check: () => Promise<void>,
): Promise<UploadVetting> {
  const own = await ownAttempt(ctx, user, ids.uploadId, ids.storageId);
  if (!own.ok) return own;
  const { slot, file } = own;
  let refused: UploadRefusal | null = null;
  if (slot.status !== "pending") {
    refused = refusal("INVALID_STATE", "Cette adresse d'envoi a déjà servi : recommencez l'envoi.");
  } else if (slot.expiresAt <= now) {
    refused = refusal("INVALID_STATE", "Cette adresse d'envoi a expiré : recommencez l'envoi.");
  } else {
    try {
      await check();
      refused = metadataRefusal(file);
    } catch (error) {
      if (!(error instanceof ConvexError)) throw error;
      const data = error.data as AppErrorData;
      refused = refusal(data.code, data.message);
    }
  }
  if (refused) {
    await discardOwnAttempt(ctx, slot, ids.storageId, now);
    return refused;
  }
  return { ok: true, slot, size: file.size, contentType: file.contentType };
}

/** Binds the file to the slot (single use); the caller inserts what owns the file in the same mutation. */
export async function claimUpload(
  ctx: MutationCtx,
  user: User,
  ids: { uploadId: Id<"uploads">; storageId: Id<"_storage"> },
  now: number,
  check: () => Promise<void>,
): Promise<UploadVetting> {
  const vetted = await vetUpload(ctx, user, ids, now, check);
  if (!vetted.ok) return vetted;
  await ctx.db.patch(ids.uploadId, { status: "claimed", storageId: ids.storageId, claimedAt: now });
  return vetted;
}

/** Refuses an attempt after its bytes were read (type or size from the bytes). */
export async function refuseUpload(
  ctx: MutationCtx,
  user: User,
  ids: { uploadId: Id<"uploads">; storageId: Id<"_storage"> },
  now: number,
): Promise<void> {
  const own = await ownAttempt(ctx, user, ids.uploadId, ids.storageId);
  if (own.ok) await discardOwnAttempt(ctx, own.slot, ids.storageId, now);
}

export type Inspection =
  | { ok: true; mime: string; size: number; sha256: string }
  | { ok: false; message: string };

/** Reads the bytes (after vetUpload), sniffs the type and hashes them; deletes nothing. */
export async function inspectUpload(
  ctx: ActionCtx,
  storageId: Id<"_storage">,
): Promise<Inspection> {
  const blob = await ctx.storage.get(storageId);
  if (!blob) return { ok: false, message: "Fichier introuvable : recommencez l'envoi." };
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let mime: string;
  try {
    mime = assertAcceptedFile(bytes, { maxBytes: maxDocumentBytes() });
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, mime, size: bytes.byteLength, sha256: await sha256Hex(bytes) };
}
