// document.ingest: download the file, extract (OCR where needed), clean, chunk and embed it
// with @nexus/knowledge, write the chunks into a new generation, then switch search to it in
// one mutation. Progress is written to the document so dashboards follow it live. It only
// throws: when the job fails for good or is cancelled, Convex marks the document `failed` and
// discards the half-written generation (convex/model/jobOutcomes.ts).
import { KnowledgeError } from "@nexus/knowledge/errors";
import type { ExtractedPage } from "@nexus/knowledge/extract";
import type { IngestStage } from "@nexus/knowledge/ingest";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { errorMessage, NonRetryableError } from "../errors.ts";
import { defineHandler } from "../handler.ts";
import type { PipelineServices } from "../pipeline/services.ts";

const BATCH = 32;
const PAGE_BATCH = 200;

/** How a page was read, as recorded on the document: method, OCR confidence, characters. */
const OCR_INPUT = { text: undefined, "ocr-image": "image", "ocr-render": "render" } as const;

export function pageExtraction(page: ExtractedPage) {
  return {
    page: page.page,
    method: page.source,
    confidence:
      page.source === "ocr" && page.confidence !== undefined
        ? Math.round(page.confidence * 10) / 10
        : undefined,
    ocrInput: page.method === undefined ? undefined : OCR_INPUT[page.method],
    chars: page.text.replace(/\s+/g, "").length,
  };
}
/** Share of the overall progress each stage ends at. */
const STAGE_END: Record<IngestStage, number> = {
  extracting: 30,
  ocr: 60,
  chunking: 70,
  embedding: 90,
};
const STAGE_START: Record<IngestStage, number> = {
  extracting: 0,
  ocr: 30,
  chunking: 60,
  embedding: 70,
};
const STAGE_LABEL: Record<IngestStage, string> = {
  extracting: "Extraction du texte",
  ocr: "Reconnaissance de caractères (OCR)",
  chunking: "Découpage en extraits",
  embedding: "Calcul des vecteurs",
};
/** Permanent problems of the file itself: retrying cannot help. */
const PERMANENT = new Set([
  "unsupported_type",
  "too_large",
  "empty_file",
  "no_text",
  "invalid_config",
]);

export function documentIngestHandler(services: PipelineServices) {
  return defineHandler({
    kind: "document.ingest",
    schema: jobPayloadSchemas["document.ingest"],
    timeoutMs: 30 * 60_000,
    retry: { baseMs: 10_000, maxMs: 10 * 60_000 },
    async run({ documentId }, { convex, signal, progress }) {
      const id = documentId as Id<"documents">;
      const found = await convex.query(api.ingestion.document, { documentId: id });
      if (!found) return { skipped: "document supprimé" };
      const setStatus = (status: IngestStage, percent?: number, message?: string) =>
        convex.mutation(api.ingestion.setStatus, { documentId: id, status, percent, message });

      try {
        await setStatus("extracting", 0, STAGE_LABEL.extracting);
        const response = await fetch(found.fileUrl, { signal });
        if (!response.ok)
          throw new Error(`Téléchargement du fichier impossible (HTTP ${response.status}).`);
        const bytes = new Uint8Array(await response.arrayBuffer());

        const { prepareDocument } = await import("@nexus/knowledge/ingest");
        let lastStage: IngestStage | undefined;
        let lastWrite = 0;
        const prepared = await prepareDocument(bytes, {
          title: found.document.title,
          embedder: await services.embedder(),
          ocrPool: await services.ocrPool(),
          maxBytes: services.documentMaxBytes,
          signal,
          onProgress: (stage, done, total) => {
            const span = STAGE_END[stage] - STAGE_START[stage];
            const percent = Math.round(
              STAGE_START[stage] + (total > 0 ? (span * done) / total : 0),
            );
            progress(stage, percent, `${STAGE_LABEL[stage]} (${done}/${total})`);
            // Status rows are throttled: a stage change is written at once, progress twice a second.
            const now = Date.now();
            if (stage !== lastStage || now - lastWrite > 500) {
              lastStage = stage;
              lastWrite = now;
              void setStatus(stage, percent, `${STAGE_LABEL[stage]} (${done}/${total})`).catch(
                () => {},
              );
            }
          },
        });

        const begun = await convex.mutation(api.ingestion.beginGeneration, { documentId: id });
        if (!begun) return { skipped: "document supprimé" };
        await setStatus("embedding", 92, "Enregistrement des extraits");
        for (let start = 0; start < prepared.chunks.length; start += BATCH) {
          signal.throwIfAborted();
          await convex.mutation(api.ingestion.insertChunks, {
            documentId: id,
            generation: begun.generation,
            embeddingModel: prepared.embeddingModel,
            chunks: prepared.chunks.slice(start, start + BATCH).map((chunk) => ({
              ordinal: chunk.ordinal,
              text: chunk.text,
              pageStart: chunk.pageStart,
              pageEnd: chunk.pageEnd,
              contentHash: chunk.contentHash,
              embedding: chunk.embedding,
            })),
          });
        }
        // How each page was read (text layer or OCR, with its confidence), for staff.
        for (let start = 0; start < prepared.pages.length; start += PAGE_BATCH) {
          signal.throwIfAborted();
          await convex.mutation(api.ingestion.recordPages, {
            documentId: id,
            generation: begun.generation,
            pages: prepared.pages.slice(start, start + PAGE_BATCH).map(pageExtraction),
          });
        }
        await convex.mutation(api.ingestion.activateGeneration, {
          documentId: id,
          generation: begun.generation,
          embeddingModel: prepared.embeddingModel,
          pages: prepared.pages.length,
          ocrPages: prepared.ocrPages,
          chunkCount: prepared.chunks.length,
        });
        return {
          pages: prepared.pages.length,
          ocrPages: prepared.ocrPages,
          chunks: prepared.chunks.length,
          embeddingModel: prepared.embeddingModel,
          generation: begun.generation,
        };
      } catch (error) {
        if (!signal.aborted && error instanceof KnowledgeError && PERMANENT.has(error.code)) {
          throw new NonRetryableError(errorMessage(error), { cause: error });
        }
        throw error;
      }
    },
  });
}
