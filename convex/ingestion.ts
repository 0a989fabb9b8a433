// Worker-only side of document.ingest: read the document, report progress, write chunks
// into a new generation, then make that generation the searchable one in one mutation.

import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import { appError } from "./lib/errors";
import { workerMutation, workerQuery } from "./lib/functions";
import { assertDocumentTransition, reportDocumentProgress } from "./model/documentStatus";
import { documentScopeKey, nextGeneration, scopeModelKey } from "./model/documents";
import { countDocumentIndexed } from "./model/stats";
import schema from "./schema";
import { vDocumentStatus } from "./validators";

export const document = workerQuery({
  args: { documentId: v.id("documents") },
  returns: v.union(v.object({ document: doc(schema, "documents"), fileUrl: v.string() }), v.null()),
  handler: async (ctx, { documentId }) => {
    const row = await ctx.db.get(documentId);
    if (!row) return null;
    const fileUrl = await ctx.storage.getUrl(row.storageId);
    return fileUrl ? { document: row, fileUrl } : null;
  },
});

/** Progress of an ingest job: in-progress statuses only, along the allowed moves (model/documentStatus.ts). */
export const setStatus = workerMutation({
  args: {
    documentId: v.id("documents"),
    status: vDocumentStatus,
    percent: v.optional(v.number()),
    message: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { documentId, ...update }) =>
    await reportDocumentProgress(ctx, documentId, update),
});

/** Opens (or reopens, for a retried job) the generation the job writes its chunks into. */
export const beginGeneration = workerMutation({
  args: { documentId: v.id("documents") },
  returns: v.union(v.object({ generation: v.number() }), v.null()),
  handler: async (ctx, { documentId }) => {
    const row = await ctx.db.get(documentId);
    if (!row) return null;
    const generation = row.pendingGeneration ?? (await nextGeneration(ctx, row));
    if (row.pendingGeneration === undefined) {
      await ctx.db.patch(documentId, { pendingGeneration: generation, updatedAt: Date.now() });
    }
    return { generation };
  },
});

const vChunkInput = v.object({
  ordinal: v.number(),
  text: v.string(),
  pageStart: v.number(),
  pageEnd: v.number(),
  contentHash: v.string(),
  embedding: v.array(v.float64()),
});

/** Inserts a batch of chunks; a chunk already written for (document, generation, ordinal) is skipped. */
export const insertChunks = workerMutation({
  args: {
    documentId: v.id("documents"),
    generation: v.number(),
    embeddingModel: v.string(),
    chunks: v.array(vChunkInput),
  },
  returns: v.object({ inserted: v.number() }),
  handler: async (ctx, { documentId, generation, embeddingModel, chunks }) => {
    const row = await ctx.db.get(documentId);
    if (!row) return { inserted: 0 };
    if (row.pendingGeneration !== generation) {
      throw appError(
        "INVALID_STATE",
        `La génération ${generation} de ce document n'est plus en cours d'écriture.`,
      );
    }
    if (chunks.length > 100) throw appError("INVALID_ARGUMENT", "100 extraits au plus par lot.");
    const scopeKey = documentScopeKey(row);
    let inserted = 0;
    for (const chunk of chunks) {
      if (chunk.embedding.length !== 1536) {
        throw appError(
          "INVALID_ARGUMENT",
          `Vecteur de dimension ${chunk.embedding.length} (1536 attendue).`,
        );
      }
      const existing = await ctx.db
        .query("chunks")
        .withIndex("by_documentId_and_generation_and_ordinal", (q) =>
          q.eq("documentId", documentId).eq("generation", generation).eq("ordinal", chunk.ordinal),
        )
        .first();
      if (existing) continue;
      await ctx.db.insert("chunks", {
        ...chunk,
        documentId,
        generation,
        scopeKey,
        studentId: row.studentId,
        embeddingModel,
        scopeModelKey: scopeModelKey(scopeKey, embeddingModel),
        subject: row.subject,
      });
      inserted++;
    }
    return { inserted };
  },
});

const vPageInput = v.object({
  page: v.number(),
  method: v.union(v.literal("text"), v.literal("ocr")),
  confidence: v.optional(v.number()),
  ocrInput: v.optional(v.union(v.literal("image"), v.literal("render"))),
  chars: v.number(),
});

/** Records how pages of the generation being written were read; a page already recorded is skipped. */
export const recordPages = workerMutation({
  args: { documentId: v.id("documents"), generation: v.number(), pages: v.array(vPageInput) },
  returns: v.object({ inserted: v.number() }),
  handler: async (ctx, { documentId, generation, pages }) => {
    const row = await ctx.db.get(documentId);
    if (!row) return { inserted: 0 };
    if (row.pendingGeneration !== generation) {
      throw appError(
        "INVALID_STATE",
        `La génération ${generation} de ce document n'est plus en cours d'écriture.`,
      );
    }
    if (pages.length > 200) throw appError("INVALID_ARGUMENT", "200 pages au plus par lot.");
    let inserted = 0;
    for (const page of pages) {
      const existing = await ctx.db
        .query("documentPages")
        .withIndex("by_documentId_and_generation_and_page", (q) =>
          q.eq("documentId", documentId).eq("generation", generation).eq("page", page.page),
        )
        .first();
      if (existing) continue;
      await ctx.db.insert("documentPages", { ...page, documentId, generation });
      inserted++;
    }
    return { inserted };
  },
});

/** Makes the written generation the searchable one, atomically, and purges the previous one. */
export const activateGeneration = workerMutation({
  args: {
    documentId: v.id("documents"),
    generation: v.number(),
    embeddingModel: v.string(),
    pages: v.number(),
    ocrPages: v.number(),
    chunkCount: v.number(),
  },
  returns: v.null(),
  handler: async (ctx, args) => {
    const row = await ctx.db.get(args.documentId);
    if (!row) return null;
    if (row.pendingGeneration !== args.generation) {
      throw appError(
        "INVALID_STATE",
        `La génération ${args.generation} de ce document n'est plus en cours d'écriture.`,
      );
    }
    assertDocumentTransition(row, "indexed");
    await countDocumentIndexed(ctx, row, args.pages, Date.now());
    await ctx.db.patch(args.documentId, {
      activeGeneration: args.generation,
      pendingGeneration: undefined,
      embeddingModel: args.embeddingModel,
      pages: args.pages,
      ocrPages: args.ocrPages,
      chunkCount: args.chunkCount,
      status: "indexed",
      progress: { percent: 100 },
      error: undefined,
      updatedAt: Date.now(),
    });
    await ctx.scheduler.runAfter(0, internal.documents.purgeChunks, {
      documentId: args.documentId,
    });
    return null;
  },
});
