// Knowledge documents as people see them: upload, list, progress, delete, re-index.
// Every upload is bound to its uploader (model/uploads.ts): generateUploadUrl opens a slot,
// create claims it once with a file posted after it and referenced by nothing. Size and
// declared type are checked from the storage metadata, then the bytes (type sniffed, SHA-256)
// before a row exists; the worker's document.ingest job does the extraction and indexing.
// No function here returns a storage id: files are downloaded through files.documentUrl.

import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalMutation } from "./_generated/server";
import { appError } from "./lib/errors";
import { userAction, userMutation, userQuery } from "./lib/functions";
import { pageSize } from "./lib/pagination";
import {
  canReadStudent,
  isStaff,
  readableStudentIds,
  requireAnyRole,
  requireRole,
  requireUser,
} from "./model/access";
import { audit } from "./model/audit";
import {
  canReadDocument,
  documentView,
  enqueueReindex,
  insertDocumentRecord,
  purgeChunkBatch,
  requireManageableDocument,
  requireReadableDocument,
  requireUploadAccess,
  vCreateArgs,
} from "./model/documents";
import { limitIndexing } from "./model/rateLimits";
import {
  claimUpload,
  fileOwner,
  inspectUpload,
  normaliseTitle,
  openUploadSlot,
  refusalError,
  refuseUpload,
  vetUpload,
} from "./model/uploads";
import schema from "./schema";
import { vDocumentScope, vDocumentStatus } from "./validators";

const { storageId: _storageId, ...documentViewFields } = doc(schema, "documents").fields;
/** A document as people see it: everything but its storage id. */
const vDocumentView = v.object(documentViewFields);
const vUploadIds = { uploadId: v.id("uploads"), storageId: v.id("_storage") };

/** An upload URL and its slot (valid one hour, for the caller only, single use). */
export const generateUploadUrl = userMutation({
  args: {},
  returns: v.object({ uploadUrl: v.string(), uploadId: v.id("uploads") }),
  handler: async (ctx) => {
    requireRole(ctx.user, ["admin", "assistante", "coach"]);
    // The indexing token is taken here, before any byte is sent (model/rateLimits.ts).
    await limitIndexing(ctx, ctx.user);
    const uploadUrl = await ctx.storage.generateUploadUrl();
    const uploadId = await openUploadSlot(ctx, ctx.user._id, "document", Date.now());
    return { uploadUrl, uploadId };
  },
});

/**
 * Registers the file posted to the slot's upload URL as a document. Refused files (slot used
 * or expired, type, size, access) are deleted when they can only be the caller's own upload;
 * the same content already in the same scope is recognised and not indexed twice.
 */
export const create = userAction({
  args: { uploadId: v.id("uploads"), ...vCreateArgs },
  returns: v.object({ documentId: v.id("documents"), duplicate: v.boolean() }),
  handler: async (ctx, args): Promise<{ documentId: Id<"documents">; duplicate: boolean }> => {
    const title = normaliseTitle(args.title);
    const ids = { uploadId: args.uploadId, storageId: args.storageId };
    const vetted = await ctx.runMutation(internal.documents.vetDocumentUpload, {
      ...ids,
      scope: args.scope,
      studentId: args.studentId,
    });
    if (!vetted.ok) throw refusalError(vetted);
    const inspected = await inspectUpload(ctx, args.storageId);
    if (!inspected.ok) {
      await ctx.runMutation(internal.documents.refuseDocumentUpload, ids);
      throw appError("INVALID_ARGUMENT", inspected.message);
    }
    const { ok: _ok, ...file } = inspected;
    const inserted = await ctx.runMutation(internal.documents.insertDocument, {
      ...args,
      ...file,
      title,
    });
    if (!inserted.ok) throw refusalError(inserted);
    return { documentId: inserted.documentId, duplicate: inserted.duplicate };
  },
});

const vRefused = v.object({ ok: v.literal(false), code: v.string(), message: v.string() });
const vVetting = v.union(v.object({ ok: v.literal(true) }), vRefused);

/** Everything but the bytes: slot, file metadata, references, upload access (a refusal is committed). */
export const vetDocumentUpload = internalMutation({
  args: { ...vUploadIds, scope: vDocumentScope, studentId: v.optional(v.id("students")) },
  returns: vVetting,
  handler: async (ctx, { uploadId, storageId, ...target }) => {
    const user = await requireUser(ctx);
    const vetted = await vetUpload(ctx, user, { uploadId, storageId }, Date.now(), () =>
      requireUploadAccess(ctx, user, target),
    );
    return vetted.ok ? { ok: true as const } : vetted;
  },
});

/** The bytes were refused: deletes the caller's own file and closes the slot. */
export const refuseDocumentUpload = internalMutation({
  args: vUploadIds,
  returns: v.null(),
  handler: async (ctx, ids) => {
    await refuseUpload(ctx, await requireUser(ctx), ids, Date.now());
    return null;
  },
});

/** Claims the slot and inserts the document in one mutation (the file is then the document's). */
export const insertDocument = internalMutation({
  args: {
    uploadId: v.id("uploads"),
    ...vCreateArgs,
    mime: v.string(),
    size: v.number(),
    sha256: v.string(),
  },
  returns: v.union(
    v.object({ ok: v.literal(true), documentId: v.id("documents"), duplicate: v.boolean() }),
    vRefused,
  ),
  handler: async (ctx, { uploadId, ...args }) => {
    const user = await requireUser(ctx);
    const ids = { uploadId, storageId: args.storageId };
    const claimed = await claimUpload(ctx, user, ids, Date.now(), () =>
      requireUploadAccess(ctx, user, args),
    );
    // Returned, not thrown: the refusal's deletion must be committed.
    if (!claimed.ok) return claimed;
    return { ok: true as const, ...(await insertDocumentRecord(ctx, args, user._id)) };
  },
});

export const get = userQuery({
  args: { documentId: v.id("documents") },
  returns: vDocumentView,
  handler: async (ctx, { documentId }) =>
    documentView(await requireReadableDocument(ctx, ctx.user, documentId)),
});

/**
 * The passage a synthesis cites (`sources[].chunkId`): its text, pages and document, for a
 * reader of that document. null when the chunk no longer exists (the document was re-indexed
 * or removed): the citation then keeps only its title and page.
 */
export const passage = userQuery({
  args: { chunkId: v.string() },
  returns: v.union(
    v.null(),
    v.object({
      documentId: v.id("documents"),
      documentTitle: v.string(),
      pageStart: v.number(),
      pageEnd: v.number(),
      text: v.string(),
    }),
  ),
  handler: async (ctx, { chunkId }) => {
    requireAnyRole(ctx.user);
    const id = ctx.db.normalizeId("chunks", chunkId);
    const chunk = id ? await ctx.db.get(id) : null;
    if (!chunk) return null;
    const document = await requireReadableDocument(ctx, ctx.user, chunk.documentId);
    return {
      documentId: document._id,
      documentTitle: document.title,
      pageStart: chunk.pageStart,
      pageEnd: chunk.pageEnd,
      text: chunk.text,
    };
  },
});

/**
 * Documents the caller may read, newest first: staff see everything; coaches the common
 * documents and those of their students; families those of their own students.
 */
export const list = userQuery({
  args: { studentId: v.optional(v.id("students")), limit: v.optional(v.number()) },
  returns: v.array(vDocumentView),
  handler: async (ctx, { studentId, limit }) => {
    requireRole(ctx.user, ["admin", "assistante", "coach", "parent", "eleve"]);
    const take = pageSize(limit, { fallback: 100, max: 200 });
    if (studentId) {
      if (!(await canReadStudent(ctx, ctx.user, studentId)))
        throw appError("NOT_FOUND", "Élève introuvable.");
      const own = await ctx.db
        .query("documents")
        .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
        .order("desc")
        .take(take);
      return own.map(documentView);
    }
    if (isStaff(ctx.user)) {
      const all = await ctx.db
        .query("documents")
        .withIndex("by_createdAt")
        .order("desc")
        .take(take);
      return all.map(documentView);
    }
    const rows: Doc<"documents">[] = [];
    if (ctx.user.role === "coach") {
      rows.push(
        ...(await ctx.db
          .query("documents")
          .withIndex("by_scope_and_studentId_and_sha256", (q) =>
            q.eq("scope", "global").eq("studentId", undefined),
          )
          .take(take)),
      );
    }
    const students = await readableStudentIds(ctx, ctx.user);
    for (const id of students) {
      rows.push(
        ...(await ctx.db
          .query("documents")
          .withIndex("by_studentId", (q) => q.eq("studentId", id))
          .take(take)),
      );
    }
    const readable: Doc<"documents">[] = [];
    for (const row of rows) if (await canReadDocument(ctx, ctx.user, row)) readable.push(row);
    return readable
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, take)
      .map(documentView);
  },
});

/** Live ingestion status of the given documents, for progress bars (null when deleted or not readable by the caller). */
export const statuses = userQuery({
  args: { documentIds: v.array(v.id("documents")) },
  returns: v.array(
    v.union(
      v.object({
        documentId: v.id("documents"),
        title: v.string(),
        status: vDocumentStatus,
        percent: v.optional(v.number()),
        message: v.optional(v.string()),
        error: v.optional(v.string()),
        pages: v.optional(v.number()),
        ocrPages: v.optional(v.number()),
        chunkCount: v.optional(v.number()),
      }),
      v.null(),
    ),
  ),
  handler: async (ctx, { documentIds }) => {
    requireRole(ctx.user, ["admin", "assistante", "coach", "parent", "eleve"]);
    if (documentIds.length > 100) throw appError("INVALID_ARGUMENT", "100 documents au plus.");
    return await Promise.all(
      documentIds.map(async (documentId) => {
        const row = await ctx.db.get(documentId);
        if (!row || !(await canReadDocument(ctx, ctx.user, row))) return null;
        return {
          documentId,
          title: row.title,
          status: row.status,
          percent: row.progress?.percent,
          message: row.progress?.message,
          error: row.error,
          pages: row.pages,
          ocrPages: row.ocrPages,
          chunkCount: row.chunkCount,
        };
      }),
    );
  },
});

/**
 * Deletes the document and its file at once (the file is the document's: it was bound to it
 * when its upload was claimed); its chunks are purged in the background and are already
 * invisible to search.
 */
export const remove = userMutation({
  args: { documentId: v.id("documents") },
  returns: v.null(),
  handler: async (ctx, { documentId }) => {
    const document = await requireManageableDocument(ctx, ctx.user, documentId);
    await ctx.db.delete(documentId);
    // Rows written before uploads were bound could share a file: delete it only when no one
    // else (another document, a bilan report) holds it.
    if ((await fileOwner(ctx, document.storageId)) === null) {
      await ctx.storage.delete(document.storageId);
    }
    await ctx.scheduler.runAfter(0, internal.documents.purgeChunks, { documentId });
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "document.remove",
      targetTable: "documents",
      targetId: documentId,
      details: { title: document.title },
    });
    return null;
  },
});

/** Re-indexes a document: the current chunks stay searchable until the new ones replace them in one transaction. */
export const reindex = userMutation({
  args: { documentId: v.id("documents") },
  returns: v.id("jobs"),
  handler: async (ctx, { documentId }) => {
    await requireManageableDocument(ctx, ctx.user, documentId);
    await limitIndexing(ctx, ctx.user);
    return await enqueueReindex(ctx, documentId, ctx.user._id);
  },
});

export const purgeChunks = internalMutation({
  args: { documentId: v.id("documents") },
  returns: v.null(),
  handler: async (ctx, { documentId }) => {
    if (await purgeChunkBatch(ctx, documentId)) {
      await ctx.scheduler.runAfter(0, internal.documents.purgeChunks, { documentId });
    }
    return null;
  },
});
