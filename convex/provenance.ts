// Provenance timelines (logic in model/provenance.ts): what happened to a bilan — answers,
// generation runs, edits and regeneration requests, PDF versions, e-mails — and to a document
// — upload, ingest runs, per-page extraction, chunks, citing bilans. Each step names its job
// and its artefact. Bilans: staff and the student's assigned coaches (families: FORBIDDEN,
// another coach's student: NOT_FOUND); documents: staff only.
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { staffQuery, userQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import {
  bilanTimeline as bilanTimelineModel,
  chunkExcerpt,
  documentTimeline as documentTimelineModel,
  requireDocument,
  vBilanTimeline,
  vDocumentChunk,
  vDocumentTimeline,
} from "./model/provenance";

export const bilanTimeline = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: vBilanTimeline,
  handler: async (ctx, { bilanId }) => await bilanTimelineModel(ctx, ctx.user, bilanId),
});

export const documentTimeline = staffQuery({
  args: { documentId: v.id("documents") },
  returns: vDocumentTimeline,
  handler: async (ctx, { documentId }) => await documentTimelineModel(ctx, documentId),
});

/** The searchable generation's chunks in order, a page at a time (excerpts, at most 50 per page). */
export const documentChunks = staffQuery({
  args: { documentId: v.id("documents"), paginationOpts: paginationOptsValidator },
  returns: v.object({
    page: v.array(vDocumentChunk),
    isDone: v.boolean(),
    continueCursor: v.string(),
    splitCursor: v.optional(v.union(v.string(), v.null())),
    pageStatus: v.optional(
      v.union(v.literal("SplitRecommended"), v.literal("SplitRequired"), v.null()),
    ),
  }),
  handler: async (ctx, { documentId, paginationOpts }) => {
    const document = await requireDocument(ctx, documentId);
    const generation = document.activeGeneration ?? -1;
    const result = await ctx.db
      .query("chunks")
      .withIndex("by_documentId_and_generation_and_ordinal", (q) =>
        q.eq("documentId", documentId).eq("generation", generation),
      )
      .paginate(boundedPage(paginationOpts, 50));
    return {
      ...result,
      page: result.page.map((chunk) => ({
        _id: chunk._id,
        ordinal: chunk.ordinal,
        pageStart: chunk.pageStart,
        pageEnd: chunk.pageEnd,
        excerpt: chunkExcerpt(chunk.text),
        length: chunk.text.length,
      })),
    };
  },
});
