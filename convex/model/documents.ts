// Who may upload, read and manage knowledge documents, and the chunk bookkeeping of
// re-indexing. Rules: global documents are managed by staff; a student's documents by
// staff and the student's assigned coaches; reading follows canReadStudent (global
// documents are readable by every user with a role).
import { scopeKey, scopeModelKey } from "@nexus/knowledge/scope-key";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { vDocumentScope, vNiveau, vSubject } from "../validators";
import { canReadStudent, canWriteStudent, isStaff, requireRole, type User } from "./access";
import { audit } from "./audit";
import { enqueueJob } from "./jobs";

export type DocumentScopeArgs = { scope: "global" | "student"; studentId?: Id<"students"> };

export async function requireUploadAccess(ctx: QueryCtx, user: User, target: DocumentScopeArgs) {
  requireRole(user, ["admin", "assistante", "coach"]);
  if (target.scope === "global") {
    if (target.studentId)
      throw appError("INVALID_ARGUMENT", "Un document global ne concerne aucun élève.");
    if (!isStaff(user)) {
      throw appError(
        "FORBIDDEN",
        "Seules l'assistante et l'administration gèrent les documents communs.",
      );
    }
    return;
  }
  if (!target.studentId)
    throw appError("INVALID_ARGUMENT", "Précisez l'élève concerné par ce document.");
  const student = await ctx.db.get(target.studentId);
  if (!student || !(await canWriteStudent(ctx, user, target.studentId))) {
    throw appError("NOT_FOUND", "Élève introuvable.");
  }
}

export async function canReadDocument(ctx: QueryCtx, user: User, document: Doc<"documents">) {
  if (user.role === undefined) return false;
  if (document.scope === "global") return true;
  return document.studentId !== undefined && (await canReadStudent(ctx, user, document.studentId));
}

export async function requireReadableDocument(
  ctx: QueryCtx,
  user: User,
  documentId: Id<"documents">,
) {
  requireRole(user, ["admin", "assistante", "coach", "parent", "eleve"]);
  const document = await ctx.db.get(documentId);
  if (!document || !(await canReadDocument(ctx, user, document))) {
    throw appError("NOT_FOUND", "Document introuvable.");
  }
  return document;
}

export async function requireManageableDocument(
  ctx: QueryCtx,
  user: User,
  documentId: Id<"documents">,
) {
  const document = await requireReadableDocument(ctx, user, documentId);
  await requireUploadAccess(ctx, user, { scope: document.scope, studentId: document.studentId });
  return document;
}

/** A document as people see it: never its storage id (files go through files.documentUrl). */
export function documentView(document: Doc<"documents">): Omit<Doc<"documents">, "storageId"> {
  const { storageId: _storageId, ...view } = document;
  return view;
}

export function documentScopeKey(document: Pick<Doc<"documents">, "scope" | "studentId">) {
  return document.scope === "global"
    ? scopeKey({ kind: "global" })
    : scopeKey({ kind: "student", studentId: document.studentId! });
}

export { scopeModelKey };

const PURGE_BATCH = 256;

/**
 * Deletes up to one batch of chunks a document no longer needs: every chunk when the document
 * is gone, else those of every generation but the active one and the one being written (older
 * generations after a re-index, a discarded half-written one after a failed ingest). What to
 * keep is decided from the document as it is now, so a late purge never touches a newer
 * generation (active or still being written). Returns whether more remain, so the caller
 * reschedules itself.
 */
export async function purgeChunkBatch(
  ctx: MutationCtx,
  documentId: Id<"documents">,
): Promise<boolean> {
  const document = await ctx.db.get(documentId);
  const keep = [document?.activeGeneration, document?.pendingGeneration]
    .filter((generation): generation is number => generation !== undefined)
    .sort((a, b) => a - b);
  // The gaps between kept generations: (−∞, k1), (k1, k2), (k2, +∞).
  const bounds = [undefined, ...keep, undefined];
  let deleted = 0;
  // Chunks first, then the per-page extraction rows of the same stale generations.
  for (const table of ["chunks", "documentPages"] as const) {
    for (let i = 0; i + 1 < bounds.length && deleted < PURGE_BATCH; i++) {
      const [above, below] = [bounds[i], bounds[i + 1]];
      const stale =
        table === "chunks"
          ? await ctx.db
              .query("chunks")
              .withIndex("by_documentId_and_generation_and_ordinal", (q) => {
                const doc = q.eq("documentId", documentId);
                if (above !== undefined && below !== undefined) {
                  return doc.gt("generation", above).lt("generation", below);
                }
                if (above !== undefined) return doc.gt("generation", above);
                if (below !== undefined) return doc.lt("generation", below);
                return doc;
              })
              .take(PURGE_BATCH - deleted)
          : await ctx.db
              .query("documentPages")
              .withIndex("by_documentId_and_generation_and_page", (q) => {
                const doc = q.eq("documentId", documentId);
                if (above !== undefined && below !== undefined) {
                  return doc.gt("generation", above).lt("generation", below);
                }
                if (above !== undefined) return doc.gt("generation", above);
                if (below !== undefined) return doc.lt("generation", below);
                return doc;
              })
              .take(PURGE_BATCH - deleted);
      for (const row of stale) await ctx.db.delete(row._id);
      deleted += stale.length;
    }
  }
  return deleted === PURGE_BATCH;
}

/**
 * The generation a new ingest writes into: after the active one and after any chunks still
 * waiting to be purged (a discarded half-written generation), so a new run never mixes its
 * chunks with stale ones.
 */
export async function nextGeneration(ctx: QueryCtx, document: Doc<"documents">): Promise<number> {
  const highest = await ctx.db
    .query("chunks")
    .withIndex("by_documentId_and_generation_and_ordinal", (q) => q.eq("documentId", document._id))
    .order("desc")
    .first();
  return Math.max(document.activeGeneration ?? 0, highest?.generation ?? 0) + 1;
}

export interface NewDocument {
  storageId: Id<"_storage">;
  title: string;
  scope: "global" | "student";
  studentId?: Id<"students">;
  subject?: Doc<"documents">["subject"];
  niveau?: Doc<"documents">["niveau"];
  mime: string;
  size: number;
  sha256: string;
}

/** Inserts the document and its ingest job, unless the same content already exists in that scope. */
export async function insertDocumentRecord(
  ctx: MutationCtx,
  args: NewDocument,
  ownerId?: Id<"users">,
) {
  if ((args.scope === "global") !== (args.studentId === undefined)) {
    throw appError("INVALID_ARGUMENT", "Un document est soit commun, soit propre à un élève.");
  }
  const existing = await ctx.db
    .query("documents")
    .withIndex("by_scope_and_studentId_and_sha256", (q) =>
      q.eq("scope", args.scope).eq("studentId", args.studentId).eq("sha256", args.sha256),
    )
    .first();
  if (existing) {
    if (existing.storageId !== args.storageId) await ctx.storage.delete(args.storageId);
    return { documentId: existing._id, duplicate: true };
  }
  const now = Date.now();
  const documentId = await ctx.db.insert("documents", {
    ownerId,
    scope: args.scope,
    studentId: args.studentId,
    title: args.title,
    subject: args.subject,
    niveau: args.niveau,
    mime: args.mime,
    size: args.size,
    sha256: args.sha256,
    storageId: args.storageId,
    status: "uploaded",
    createdAt: now,
    updatedAt: now,
  });
  await enqueueJob(
    ctx,
    "document.ingest",
    { documentId },
    {
      target: { table: "documents", id: documentId },
      createdBy: ownerId,
      idempotencyKey: `document.ingest:${documentId}:create`,
    },
  );
  await audit(ctx, {
    actorKind: ownerId ? "user" : "worker",
    actorId: ownerId,
    action: "document.create",
    targetTable: "documents",
    targetId: documentId,
    details: { title: args.title, scope: args.scope, mime: args.mime, size: args.size },
  });
  return { documentId, duplicate: false };
}

export const vCreateArgs = {
  storageId: v.id("_storage"),
  title: v.string(),
  scope: vDocumentScope,
  studentId: v.optional(v.id("students")),
  subject: v.optional(vSubject),
  niveau: v.optional(vNiveau),
};

export async function enqueueReindex(
  ctx: MutationCtx,
  documentId: Id<"documents">,
  createdBy?: Id<"users">,
) {
  const now = Date.now();
  await ctx.db.patch(documentId, {
    status: "uploaded",
    error: undefined,
    progress: { percent: 0, message: "Réindexation demandée" },
    updatedAt: now,
  });
  return await enqueueJob(
    ctx,
    "document.ingest",
    { documentId },
    {
      target: { table: "documents", id: documentId },
      createdBy,
      idempotencyKey: `document.ingest:${documentId}:reindex:${now}`,
    },
  );
}
