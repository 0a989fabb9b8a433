// Who may download which file, and the short-lived grants that let them. Rules:
// - A bilan's report: staff and the student's assigned coaches download the current PDF,
//   provisional or final; the élève and their linked parents only a final PDF of an approved
//   or sent bilan (never a provisional one). Anyone else: NOT_FOUND, whether it exists or not.
// - A document: whoever may read it (model/documents.ts canReadDocument).
// - A grant is a random 128-bit token minted in an action; only its SHA-256 is stored, with
//   the file, the person and an expiry five minutes later. GET /files/<token> streams the file
//   while the grant lives. Storage ids and permanent storage URLs never reach a person: the
//   worker keeps its own access (pipeline.pdfUrl, ingestion.document).
import { type BilanStatus, subjectLabels } from "@nexus/shared/domain";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { canReadStudent, canWriteStudent, requireAnyRole, type User } from "./access";
import { requireReadableDocument } from "./documents";

export const GRANT_TTL_MS = 5 * 60 * 1000;
const GRANT_PURGE_BATCH = 256;

/** Statuses in which the family may download the report (with a final PDF). */
const RELEASED: readonly BilanStatus[] = ["approved", "sent"];

export interface FileTarget {
  storageId: Id<"_storage">;
  filename: string;
  contentType: string;
  /** Shown in the browser rather than downloaded (a PDF opened at a page). */
  inline?: boolean;
}

/** "Élodie Saint-Jean" → "Elodie-Saint-Jean": ASCII letters, digits and dashes only. */
export function asciiSlug(text: string, fallback: string): string {
  const slug = text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return slug || fallback;
}

const EXTENSIONS: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
};

/** Whether `user` may see and download `bilan`'s current PDF (see the rules above). */
export async function canDownloadReport(
  ctx: QueryCtx,
  user: User,
  bilan: Doc<"bilans">,
): Promise<boolean> {
  if (!bilan.pdf || !(await canReadStudent(ctx, user, bilan.studentId))) return false;
  if (await canWriteStudent(ctx, user, bilan.studentId)) return true;
  return bilan.pdf.final && RELEASED.includes(bilan.status);
}

export async function bilanReportTarget(
  ctx: QueryCtx,
  user: User,
  bilanId: Id<"bilans">,
): Promise<FileTarget> {
  requireAnyRole(user);
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || !(await canReadStudent(ctx, user, bilan.studentId))) {
    throw appError("NOT_FOUND", "Bilan introuvable.");
  }
  if (!bilan.pdf || !(await canDownloadReport(ctx, user, bilan))) {
    throw appError("NOT_FOUND", "Le rapport de ce bilan n'est pas encore disponible.");
  }
  const student = await ctx.db.get(bilan.studentId);
  const firstName = asciiSlug(student?.firstName ?? "", "eleve");
  const subject = asciiSlug(subjectLabels[bilan.subject] ?? bilan.subject, "matiere");
  return {
    storageId: bilan.pdf.storageId,
    filename: `bilan-${firstName}-${subject}.pdf`.toLowerCase(),
    contentType: "application/pdf",
  };
}

export async function documentTarget(
  ctx: QueryCtx,
  user: User,
  documentId: Id<"documents">,
): Promise<FileTarget> {
  const document = await requireReadableDocument(ctx, user, documentId);
  const extension = EXTENSIONS[document.mime] ?? "bin";
  return {
    storageId: document.storageId,
    filename: `${asciiSlug(document.title, "document")}.${extension}`,
    contentType: EXTENSIONS[document.mime] ? document.mime : "application/octet-stream",
  };
}

/** A random 128-bit token, hex; only in actions (real randomness). */
export function newGrantToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const GRANT_TOKEN = /^[0-9a-f]{32}$/;

export async function hashGrantToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function insertGrant(
  ctx: MutationCtx,
  user: User,
  target: FileTarget,
  tokenHash: string,
  now: number,
): Promise<number> {
  const expiresAt = now + GRANT_TTL_MS;
  await ctx.db.insert("fileGrants", {
    ...target,
    tokenHash,
    userId: user._id,
    createdAt: now,
    expiresAt,
  });
  return expiresAt;
}

export async function grantByHash(ctx: QueryCtx, tokenHash: string) {
  const grant = await ctx.db
    .query("fileGrants")
    .withIndex("by_tokenHash", (q) => q.eq("tokenHash", tokenHash))
    .unique();
  if (!grant) return null;
  return {
    storageId: grant.storageId,
    filename: grant.filename,
    contentType: grant.contentType,
    inline: grant.inline ?? false,
    expiresAt: grant.expiresAt,
  };
}

/** Deletes one batch of expired grants; returns whether more remain. */
export async function purgeExpiredGrants(ctx: MutationCtx, now: number): Promise<boolean> {
  const expired = await ctx.db
    .query("fileGrants")
    .withIndex("by_expiresAt", (q) => q.lt("expiresAt", now))
    .take(GRANT_PURGE_BATCH);
  for (const grant of expired) await ctx.db.delete(grant._id);
  return expired.length === GRANT_PURGE_BATCH;
}

/** The site URL that serves /files/ (set by Convex and by the local runtime). */
export function fileUrl(token: string): string {
  const site = process.env.CONVEX_SITE_URL;
  if (!site) {
    throw appError(
      "INVALID_STATE",
      "Le téléchargement de fichiers n'est pas configuré sur ce déploiement.",
    );
  }
  return `${site.replace(/\/+$/, "")}/files/${token}`;
}
