// Knowledge documents as people see them: upload, list, progress, delete, re-index.
// The bytes are checked here (content type sniffed from the file, size, SHA-256) before a
// row exists; the worker's document.ingest job does the extraction and indexing.

import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { action, internalMutation, internalQuery } from "./_generated/server";
import { appError } from "./lib/errors";
import { userMutation, userQuery } from "./lib/functions";
import { pageSize } from "./lib/pagination";
import {
  canReadStudent,
  isStaff,
  readableStudentIds,
  requireRole,
  requireUser,
} from "./model/access";
import { audit } from "./model/audit";
import {
  canReadDocument,
  enqueueReindex,
  insertDocumentRecord,
  purgeChunkBatch,
  requireManageableDocument,
  requireReadableDocument,
  requireUploadAccess,
  vCreateArgs,
} from "./model/documents";
import { limitIndexing } from "./model/rateLimits";
import { inspectUpload, normaliseTitle } from "./model/uploads";
import schema from "./schema";
import { vDocumentScope, vDocumentStatus } from "./validators";

export const generateUploadUrl = userMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => {
    requireRole(ctx.user, ["admin", "assistante", "coach"]);
    // The indexing token is taken here, before any byte is sent (model/rateLimits.ts).
    await limitIndexing(ctx, ctx.user);
    return await ctx.storage.generateUploadUrl();
  },
});

/**
 * Registers an uploaded file as a document. Refused files (type, size) are deleted so
 * nothing unusable lingers in storage; the same content already in the same scope is
 * recognised and not indexed twice.
 */

export const create = action({
  args: vCreateArgs,
  returns: v.object({ documentId: v.id("documents"), duplicate: v.boolean() }),
  handler: async (ctx, args): Promise<{ documentId: Id<"documents">; duplicate: boolean }> => {
    await ctx.runQuery(internal.documents.checkUploadAccess, {
      scope: args.scope,
      studentId: args.studentId,
    });
    const title = normaliseTitle(args.title);
    const inspected = await inspectUpload(ctx, args.storageId);
    return await ctx.runMutation(internal.documents.insertDocument, {
      ...args,
      ...inspected,
      title,
    });
  },
});

export const checkUploadAccess = internalQuery({
  args: { scope: vDocumentScope, studentId: v.optional(v.id("students")) },
  returns: v.null(),
  handler: async (ctx, args) => {
    await requireUploadAccess(ctx, await requireUser(ctx), args);
    return null;
  },
});

export const insertDocument = internalMutation({
  args: { ...vCreateArgs, mime: v.string(), size: v.number(), sha256: v.string() },
  returns: v.object({ documentId: v.id("documents"), duplicate: v.boolean() }),
  handler: async (ctx, args) => {
    const user = await requireUser(ctx);
    await requireUploadAccess(ctx, user, args);
    return await insertDocumentRecord(ctx, args, user._id);
  },
});

export const get = userQuery({
  args: { documentId: v.id("documents") },
  returns: doc(schema, "documents"),
  handler: async (ctx, { documentId }) => await requireReadableDocument(ctx, ctx.user, documentId),
});

/**
 * Documents the caller may read, newest first: staff see everything; coaches the common
 * documents and those of their students; families those of their own students.
 */
export const list = userQuery({
  args: { studentId: v.optional(v.id("students")), limit: v.optional(v.number()) },
  returns: v.array(doc(schema, "documents")),
  handler: async (ctx, { studentId, limit }) => {
    requireRole(ctx.user, ["admin", "assistante", "coach", "parent", "eleve"]);
    const take = pageSize(limit, { fallback: 100, max: 200 });
    if (studentId) {
      if (!(await canReadStudent(ctx, ctx.user, studentId)))
        throw appError("NOT_FOUND", "Élève introuvable.");
      return await ctx.db
        .query("documents")
        .withIndex("by_studentId", (q) => q.eq("studentId", studentId))
        .order("desc")
        .take(take);
    }
    if (isStaff(ctx.user)) {
      return await ctx.db.query("documents").withIndex("by_createdAt").order("desc").take(take);
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
    return readable.sort((a, b) => b.createdAt - a.createdAt).slice(0, take);
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

/** Deletes the document and its blob at once; its chunks are purged in the background and are already invisible to search. */
export const remove = userMutation({
  args: { documentId: v.id("documents") },
  returns: v.null(),
  handler: async (ctx, { documentId }) => {
    const document = await requireManageableDocument(ctx, ctx.user, documentId);
    await ctx.db.delete(documentId);
    await ctx.storage.delete(document.storageId);
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
