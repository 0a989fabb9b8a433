// Knowledge base: uploaded documents and their indexed chunks.
// Chunks belong to one `generation` of their document; only the document's
// `activeGeneration` is visible to search, so a re-index swaps atomically.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vDocumentScope, vDocumentStatus, vNiveau, vSubject } from "../validators";

export const EMBEDDING_DIMENSIONS = 1536;

export const knowledgeTables = {
  documents: defineTable({
    ownerId: v.optional(v.id("users")),
    scope: vDocumentScope,
    studentId: v.optional(v.id("students")),
    title: v.string(),
    subject: v.optional(vSubject),
    niveau: v.optional(vNiveau),
    mime: v.string(),
    size: v.number(),
    sha256: v.string(),
    storageId: v.id("_storage"),
    status: vDocumentStatus,
    progress: v.optional(v.object({ percent: v.number(), message: v.optional(v.string()) })),
    error: v.optional(v.string()),
    pages: v.optional(v.number()),
    ocrPages: v.optional(v.number()),
    embeddingModel: v.optional(v.string()),
    activeGeneration: v.optional(v.number()),
    /** Generation being written by an ingest job; reused by its retries (inserts are idempotent). */
    pendingGeneration: v.optional(v.number()),
    chunkCount: v.optional(v.number()),
    createdAt: v.number(),
    updatedAt: v.number(),
  })
    .index("by_scope_and_studentId_and_sha256", ["scope", "studentId", "sha256"])
    .index("by_studentId", ["studentId"])
    .index("by_status", ["status"])
    .index("by_createdAt", ["createdAt"])
    // Is a file already a document's (upload claims, storage sweep)?
    .index("by_storageId", ["storageId"]),

  /**
   * How each page of a document's generation was read: its own text layer or OCR (with the
   * OCR mean confidence, 0–100). Written by the ingest job before it activates the generation;
   * stale generations are purged with their chunks.
   */
  documentPages: defineTable({
    documentId: v.id("documents"),
    generation: v.number(),
    page: v.number(),
    method: v.union(v.literal("text"), v.literal("ocr")),
    confidence: v.optional(v.number()),
    /**
     * What OCR read: the page's own embedded image (a scan, at its resolution) or the page
     * rendered through pdf.js (mixed pages, undecodable images). Absent on older rows.
     */
    ocrInput: v.optional(v.union(v.literal("image"), v.literal("render"))),
    /** Non-space characters extracted from the page. */
    chars: v.number(),
  }).index("by_documentId_and_generation_and_page", ["documentId", "generation", "page"]),

  chunks: defineTable({
    documentId: v.id("documents"),
    generation: v.number(),
    ordinal: v.number(),
    /** "global" or "student:<studentId>". */
    scopeKey: v.string(),
    studentId: v.optional(v.id("students")),
    embeddingModel: v.string(),
    /** `${scopeKey}|${embeddingModel}`: vector filters are equality/OR only, so AND lives here. */
    scopeModelKey: v.string(),
    text: v.string(),
    pageStart: v.number(),
    pageEnd: v.number(),
    contentHash: v.string(),
    embedding: v.array(v.float64()),
    subject: v.optional(vSubject),
  })
    .index("by_documentId_and_generation_and_ordinal", ["documentId", "generation", "ordinal"])
    .vectorIndex("by_embedding", {
      vectorField: "embedding",
      dimensions: EMBEDDING_DIMENSIONS,
      filterFields: ["scopeModelKey", "scopeKey", "studentId", "embeddingModel"],
    })
    .searchIndex("search_text", {
      searchField: "text",
      filterFields: ["scopeKey", "studentId", "documentId", "subject"],
    }),
};
