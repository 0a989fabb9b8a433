// A document's ingestion status and the moves allowed between statuses, like the bilans'
// (packages/shared/domain bilanTransitions). The worker reports progress through
// ingestion.setStatus (in-progress statuses only) and activates a generation (→ indexed);
// only Convex decides that a document failed (model/jobOutcomes.ts) and only a re-index or
// a retried job sends a finished document back to `uploaded`.
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { redactStored } from "../lib/redact";
import { purgeChunkBatch } from "./documents";

export type DocumentStatus = Doc<"documents">["status"];

/** Statuses of a document some job is working on (or about to). */
export const IN_PROGRESS: readonly DocumentStatus[] = [
  "uploaded",
  "extracting",
  "ocr",
  "chunking",
  "embedding",
];

/**
 * Allowed moves. In progress, stages may repeat or restart (a retried attempt starts over
 * with extraction; OCR is skipped for text PDFs); `indexed` and `failed` are left only
 * through `uploaded` (re-index, retry), except that a new ingest job may start over an
 * indexed document whose re-index it was enqueued for.
 */
export const documentTransitions: Record<DocumentStatus, readonly DocumentStatus[]> = {
  uploaded: ["extracting", "ocr", "chunking", "embedding", "indexed", "failed"],
  extracting: ["uploaded", "ocr", "chunking", "embedding", "indexed", "failed"],
  ocr: ["uploaded", "extracting", "chunking", "embedding", "indexed", "failed"],
  chunking: ["uploaded", "extracting", "ocr", "embedding", "indexed", "failed"],
  embedding: ["uploaded", "extracting", "ocr", "chunking", "indexed", "failed"],
  indexed: ["uploaded", "extracting"],
  failed: ["uploaded"],
};

export const documentStatusLabels: Record<DocumentStatus, string> = {
  uploaded: "déposé",
  extracting: "extraction",
  ocr: "reconnaissance de caractères",
  chunking: "découpage",
  embedding: "calcul des vecteurs",
  indexed: "indexé",
  failed: "en échec",
};

export function canMoveDocument(from: DocumentStatus, to: DocumentStatus): boolean {
  return from === to || documentTransitions[from].includes(to);
}

export function assertDocumentTransition(document: Doc<"documents">, to: DocumentStatus) {
  if (!canMoveDocument(document.status, to)) {
    throw appError(
      "INVALID_STATE",
      `Le document est au statut « ${documentStatusLabels[document.status]} » : passage à « ${documentStatusLabels[to]} » impossible.`,
    );
  }
}

/** Progress reported by the worker: in-progress statuses only (failure and indexing are decided in Convex). */
export async function reportDocumentProgress(
  ctx: MutationCtx,
  documentId: Id<"documents">,
  update: { status: DocumentStatus; percent?: number; message?: string },
): Promise<null> {
  const document = await ctx.db.get(documentId);
  if (!document) return null; // deleted while being processed
  if (!IN_PROGRESS.includes(update.status)) {
    throw appError(
      "INVALID_STATE",
      `Le worker ne peut pas déclarer un document « ${documentStatusLabels[update.status]} » : c'est Convex qui en décide à la fin de la tâche.`,
    );
  }
  assertDocumentTransition(document, update.status);
  await ctx.db.patch(documentId, {
    status: update.status,
    progress:
      update.percent === undefined
        ? document.progress
        : { percent: update.percent, message: update.message },
    error: undefined,
    updatedAt: Date.now(),
  });
  return null;
}

/**
 * The ingest job ended without an index (failed, cancelled): the document becomes `failed`
 * with the reason, the generation it was writing is discarded and its chunks purged, and the
 * previously active generation stays searchable.
 */
export async function failDocument(
  ctx: MutationCtx,
  documentId: Id<"documents">,
  reason: string,
): Promise<void> {
  const document = await ctx.db.get(documentId);
  if (!document || !IN_PROGRESS.includes(document.status)) return;
  await ctx.db.patch(documentId, {
    status: "failed",
    error: redactStored(reason, 2_000),
    pendingGeneration: undefined,
    progress: undefined,
    updatedAt: Date.now(),
  });
  if (document.pendingGeneration !== undefined && (await purgeChunkBatch(ctx, documentId))) {
    await ctx.scheduler.runAfter(0, internal.documents.purgeChunks, { documentId });
  }
}

/** A failed or cancelled ingest job is retried: the document is back in the queue. */
export async function restartDocument(
  ctx: MutationCtx,
  documentId: Id<"documents">,
): Promise<void> {
  const document = await ctx.db.get(documentId);
  if (!document) return;
  assertDocumentTransition(document, "uploaded");
  await ctx.db.patch(documentId, {
    status: "uploaded",
    error: undefined,
    progress: { percent: 0, message: "Nouvelle tentative demandée" },
    updatedAt: Date.now(),
  });
}
