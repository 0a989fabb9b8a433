// The whole worker-side preparation of a document, storage-agnostic: bytes in,
// cleaned pages and embedded chunks out. The `document.ingest` job maps the
// stages to document statuses and writes the chunks through worker mutations.
import { CHUNKER_VERSION, type Chunk, chunkPages } from "./chunk.ts";
import { cleanPages } from "./clean.ts";
import type { Embedder } from "./embedder.ts";
import { KnowledgeError, throwIfAborted } from "./errors.ts";
import { type ExtractedPage, extractPages } from "./extract.ts";
import { sha256Hex } from "./hash.ts";
import type { OcrPool } from "./ocr-pool.ts";
import { type AcceptedMime, assertAcceptedFile } from "./sniff.ts";

export type IngestStage = "extracting" | "ocr" | "chunking" | "embedding";

export interface PrepareOptions {
  title: string;
  embedder: Embedder;
  ocrPool: OcrPool;
  /** Declared type (browser, file name): ignored on purpose — the bytes decide. */
  mime?: string;
  maxBytes?: number;
  minTextChars?: number;
  ocrDpi?: number;
  targetTokens?: number;
  overlapRatio?: number;
  /** Texts per embedder call (progress granularity). */
  embedBatchSize?: number;
  signal?: AbortSignal;
  onProgress?: (stage: IngestStage, done: number, total: number) => void;
}

export interface PreparedChunk extends Chunk {
  embedding: number[];
}

export interface PreparedDocument {
  mime: AcceptedMime;
  size: number;
  sha256: string;
  /** Cleaned text per page. */
  pages: ExtractedPage[];
  ocrPages: number;
  embeddingModel: string;
  chunkerVersion: string;
  chunks: PreparedChunk[];
}

export async function prepareDocument(
  bytes: Uint8Array,
  options: PrepareOptions,
): Promise<PreparedDocument> {
  const { signal, onProgress } = options;
  const mime = assertAcceptedFile(bytes, { maxBytes: options.maxBytes });
  const sha256 = sha256Hex(bytes);

  const extracted = await extractPages(bytes, mime, {
    ocrPool: options.ocrPool,
    minTextChars: options.minTextChars,
    dpi: options.ocrDpi,
    signal,
    onProgress,
  });
  throwIfAborted(signal);

  onProgress?.("chunking", 0, 1);
  const pages = cleanPages(extracted);
  const chunks = chunkPages(pages, {
    embeddingModel: options.embedder.model,
    title: options.title,
    targetTokens: options.targetTokens,
    overlapRatio: options.overlapRatio,
  });
  onProgress?.("chunking", 1, 1);
  if (chunks.length === 0) {
    throw new KnowledgeError(
      "no_text",
      mime === "application/pdf"
        ? "Aucun texte n’a pu être extrait de ce PDF, même par reconnaissance de caractères (OCR)."
        : "Aucun texte n’a pu être reconnu sur cette image.",
    );
  }

  const batchSize = options.embedBatchSize ?? 64;
  const embeddings: number[][] = [];
  onProgress?.("embedding", 0, chunks.length);
  for (let start = 0; start < chunks.length; start += batchSize) {
    throwIfAborted(signal);
    const batch = chunks.slice(start, start + batchSize);
    const vectors = await options.embedder.embed(
      batch.map((chunk) => chunk.text),
      signal,
    );
    if (vectors.length !== batch.length) {
      throw new KnowledgeError(
        "embedding_failed",
        "Le service d’embeddings a renvoyé un nombre de vecteurs inattendu.",
      );
    }
    embeddings.push(...vectors);
    onProgress?.("embedding", embeddings.length, chunks.length);
  }

  return {
    mime,
    size: bytes.byteLength,
    sha256,
    pages,
    ocrPages: pages.filter((page) => page.source === "ocr").length,
    embeddingModel: options.embedder.model,
    chunkerVersion: CHUNKER_VERSION,
    chunks: chunks.map((chunk, i) => ({ ...chunk, embedding: embeddings[i]! })),
  };
}
