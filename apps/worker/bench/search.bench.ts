// Benchmark: the knowledge base on the local Convex runtime with real processes.
// 1. Ingestion throughput of text PDFs through the real worker (upload → indexed, default
//    concurrency document.ingest=1, local embedder): pages/s and chunks/s.
// 2. Search latency at 10k chunks: 10,000 chunks with local embeddings written through
//    `ingestion.insertChunks` (batches of 100) and activated, then 100 sequential
//    `knowledge.searchAsStaff` calls (hybrid: vector + text + RRF + MMR), measured by the
//    client. convex-local's vector search is an exact scan (see packages/convex-local
//    README), so this measures that scan, not Convex's production vector index.
// Last stdout line: one JSON object.
import { prepareDocument } from "@nexus/knowledge/ingest";
import {
  LOCAL_EMBEDDING_MODEL,
  LocalEmbedder,
  localEmbedding,
} from "@nexus/knowledge/local-embedder";
import type { OcrPool } from "@nexus/knowledge/ocr-pool";
import { loadRetrievalSet } from "@nexus/knowledge/retrieval-eval";
import { starterDocuments } from "@nexus/knowledge/starter";
import { api } from "../../../convex/_generated/api.js";
import type { Id } from "../../../convex/_generated/dataModel.js";
import { type UploadApi, uploadDocument } from "../src/cli/document-upload.ts";
import { startRuntime, startWorkerProcess } from "../test/harness.ts";

const TARGETS = { ingestPagesPerSecond: 5, searchP99Ms: 500 };
const INGEST_ROUNDS = Number(process.env.SEARCH_BENCH_INGEST_ROUNDS ?? 2);
const TOTAL_CHUNKS = Number(process.env.SEARCH_BENCH_CHUNKS ?? 10_000);
const DOCUMENTS_FOR_CHUNKS = 20;
const SEARCHES = Number(process.env.SEARCH_BENCH_QUERIES ?? 100);
const BATCH = 100;

const log = (message: string) => console.error(`[search-bench] ${message}`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Same PDF, different bytes (a comment after %%EOF): a new document rather than a duplicate. */
function variant(bytes: Uint8Array, tag: string): Uint8Array {
  const suffix = new TextEncoder().encode(`\n% ${tag}\n`);
  const out = new Uint8Array(bytes.byteLength + suffix.byteLength);
  out.set(bytes);
  out.set(suffix, bytes.byteLength);
  return out;
}

const noOcr: OcrPool = {
  recognize: () => Promise.reject(new Error("text PDFs need no OCR")),
  stats: () => ({
    pagesRecognised: 0,
    workersCreated: 0,
    workersRecycled: 0,
    activeWorkers: 0,
    queued: 0,
  }),
  terminate: async () => {},
};

const runtime = await startRuntime({ EMBEDDINGS_PROVIDER: "local" });
const call = runtime.staff;
const uploader: UploadApi = {
  generateUploadUrl: () => call.mutation(api.documents.generateUploadUrl, {}),
  addDocument: (args) => call.action(api.documents.create, args),
};

try {
  const pdfs = (await starterDocuments()).filter((d) => d.mime === "application/pdf");

  // 1. Ingestion through the real worker.
  const worker = await startWorkerProcess(runtime.url, {
    EMBEDDINGS_PROVIDER: "local",
    OPENAI_API_KEY: "",
    LLM_PROVIDER: "local",
  });
  const ids: Id<"documents">[] = [];
  const ingestStart = performance.now();
  for (let round = 0; round < INGEST_ROUNDS; round++) {
    for (const pdf of pdfs) {
      const { documentId } = await uploadDocument(uploader, {
        bytes: variant(pdf.bytes, `round ${round}`),
        title: pdf.title,
        scope: "global",
        subject: pdf.subject ?? undefined,
      });
      ids.push(documentId as Id<"documents">);
    }
  }
  let statuses: Awaited<ReturnType<typeof call.query<typeof api.documents.statuses>>> = [];
  for (;;) {
    statuses = [];
    for (let i = 0; i < ids.length; i += 100) {
      statuses.push(
        ...(await call.query(api.documents.statuses, { documentIds: ids.slice(i, i + 100) })),
      );
    }
    if (statuses.every((s) => s && (s.status === "indexed" || s.status === "failed"))) break;
    if (performance.now() - ingestStart > 300_000)
      throw new Error("ingestion did not finish in 5 min");
    await new Promise((r) => setTimeout(r, 100));
  }
  const ingestSeconds = (performance.now() - ingestStart) / 1000;
  const failed = statuses.filter((s) => s?.status === "failed").length;
  const pages = statuses.reduce((sum, s) => sum + (s?.pages ?? 0), 0);
  const ingestedChunks = statuses.reduce((sum, s) => sum + (s?.chunkCount ?? 0), 0);
  await worker.stop();
  log(`ingestion: ${ids.length} documents, ${pages} pages in ${ingestSeconds.toFixed(1)} s`);

  // 2. 10k chunks: starter chunk texts with a distinguishing suffix, local embeddings.
  const embedder = new LocalEmbedder();
  const texts: string[] = [];
  for (const pdf of pdfs) {
    const prepared = await prepareDocument(pdf.bytes, {
      title: pdf.title,
      embedder,
      ocrPool: noOcr,
    });
    texts.push(...prepared.chunks.map((c) => c.text));
  }
  const perDocument = Math.ceil(TOTAL_CHUNKS / DOCUMENTS_FOR_CHUNKS);
  const insertStart = performance.now();
  let written = 0;
  for (let d = 0; d < DOCUMENTS_FOR_CHUNKS && written < TOTAL_CHUNKS; d++) {
    const pdf = pdfs[d % pdfs.length]!;
    // No worker runs now: the ingest job these documents enqueue stays pending.
    const { documentId } = await uploadDocument(uploader, {
      bytes: variant(pdf.bytes, `bench ${d}`),
      title: `${pdf.title} (corpus ${d + 1})`,
      scope: "global",
      subject: pdf.subject ?? undefined,
    });
    const id = documentId as Id<"documents">;
    const begun = await call.mutation(api.ingestion.beginGeneration, { documentId: id });
    const count = Math.min(perDocument, TOTAL_CHUNKS - written);
    for (let start = 0; start < count; start += BATCH) {
      const chunks = [];
      for (let ordinal = start; ordinal < Math.min(start + BATCH, count); ordinal++) {
        const text = `${texts[(written + ordinal) % texts.length]} (variante ${written + ordinal})`;
        chunks.push({
          ordinal,
          text,
          pageStart: 1 + (ordinal % 3),
          pageEnd: 1 + (ordinal % 3),
          contentHash: `bench-${d}-${ordinal}`,
          embedding: localEmbedding(text),
        });
      }
      await call.mutation(api.ingestion.insertChunks, {
        documentId: id,
        generation: begun!.generation,
        embeddingModel: LOCAL_EMBEDDING_MODEL,
        chunks,
      });
    }
    await call.mutation(api.ingestion.activateGeneration, {
      documentId: id,
      generation: begun!.generation,
      embeddingModel: LOCAL_EMBEDDING_MODEL,
      pages: 3,
      ocrPages: 0,
      chunkCount: count,
    });
    written += count;
    log(`inserted ${written}/${TOTAL_CHUNKS} chunks`);
  }
  const insertSeconds = (performance.now() - insertStart) / 1000;

  // 3. Search latency, sequential calls, questions of the labelled retrieval set.
  const questions = loadRetrievalSet().questions.map((q) => q.question);
  const latencies: number[] = [];
  let empty = 0;
  for (let i = 0; i < 3; i++) await call.action(api.knowledge.search, { query: questions[i]! });
  for (let i = 0; i < SEARCHES; i++) {
    const t0 = performance.now();
    const hits = await call.action(api.knowledge.search, {
      query: questions[i % questions.length]!,
      limit: 5,
    });
    latencies.push(performance.now() - t0);
    if (hits.length === 0) empty++;
  }

  const ingestion = {
    documents: ids.length,
    failed,
    pages,
    chunks: ingestedChunks,
    seconds: Number(ingestSeconds.toFixed(2)),
    pagesPerSecond: Number((pages / ingestSeconds).toFixed(1)),
    chunksPerSecond: Number((ingestedChunks / ingestSeconds).toFixed(1)),
  };
  const search = {
    chunks: written + ingestedChunks,
    queries: latencies.length,
    emptyResults: empty,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    meanMs: Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
    backend: "convex-local (exact vector scan, BM25 text index)",
  };
  console.log(
    JSON.stringify({
      benchmark: "knowledge-search",
      ingestion,
      insert: {
        chunks: written,
        seconds: Number(insertSeconds.toFixed(1)),
        chunksPerSecond: Math.round(written / insertSeconds),
      },
      search,
      targets: TARGETS,
      ok:
        failed === 0 &&
        empty === 0 &&
        ingestion.pagesPerSecond >= TARGETS.ingestPagesPerSecond &&
        search.p99Ms <= TARGETS.searchP99Ms,
    }),
  );
} finally {
  await runtime.stop();
}
process.exit(0);
