// Ingestion throughput for text PDFs with the local embedder (no OCR): pages/s
// and chunks/s through prepareDocument, plus in-memory hybrid search latency
// (brute-force cosine + BM25 + RRF) at 10k chunks as a reference point for the
// Convex indexes. Last line: JSON.

import { prepareDocument } from "../src/ingest.ts";
import { LexicalIndex } from "../src/lexical-index.ts";
import { LocalEmbedder, localEmbedding } from "../src/local-embedder.ts";
import type { OcrPool } from "../src/ocr-pool.ts";
import { cosineSimilarity, reciprocalRankFusion } from "../src/rank.ts";
import { starterDocuments } from "../src/starter.ts";

const ROUNDS = Number(process.env.INGEST_BENCH_ROUNDS ?? 3);
const TARGETS = { pagesPerSecond: 5, p99SearchMs: 500 };

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

const documents = (await starterDocuments()).filter((d) => d.mime === "application/pdf");
const embedder = new LocalEmbedder();
let pages = 0;
let chunks = 0;
const texts: string[] = [];
const started = performance.now();
for (let round = 0; round < ROUNDS; round++) {
  for (const document of documents) {
    const prepared = await prepareDocument(document.bytes, {
      title: document.title,
      embedder,
      ocrPool: noOcr,
    });
    pages += prepared.pages.length;
    chunks += prepared.chunks.length;
    if (round === 0) texts.push(...prepared.chunks.map((c) => c.text));
  }
}
const seconds = (performance.now() - started) / 1000;

// 10k synthetic chunks: starter chunks with a distinguishing suffix.
const corpus = Array.from(
  { length: 10_000 },
  (_, i) => `${texts[i % texts.length]} (variante ${i})`,
);
const vectors = corpus.map((text) => localEmbedding(text));
const lexical = new LexicalIndex();
corpus.forEach((text, i) => {
  lexical.add(String(i), text);
});
const queries = [
  "discriminant négatif",
  "intégration par parties",
  "clé étrangère SQL",
  "principe d'inertie",
  "Grand Oral",
];
const latencies: number[] = [];
for (let i = 0; i < 40; i++) {
  const query = queries[i % queries.length]!;
  const t0 = performance.now();
  const q = localEmbedding(query);
  const vectorIds = vectors
    .map((v, j) => ({ id: String(j), score: cosineSimilarity(q, v) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 50)
    .map((hit) => hit.id);
  const textIds = lexical.search(query, 50).map((hit) => hit.id);
  reciprocalRankFusion([{ ids: vectorIds }, { ids: textIds }]).slice(0, 10);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const percentile = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

const report = {
  bench: "ingest",
  runtime: "bun" in process.versions ? `bun ${process.versions.bun}` : `node ${process.version}`,
  documents: documents.length * ROUNDS,
  pages,
  chunks,
  seconds: Number(seconds.toFixed(2)),
  pagesPerSecond: Number((pages / seconds).toFixed(1)),
  chunksPerSecond: Number((chunks / seconds).toFixed(1)),
  inMemorySearch10k: {
    p50Ms: Number(percentile(0.5).toFixed(1)),
    p99Ms: Number(percentile(0.99).toFixed(1)),
  },
  target: TARGETS,
  ok: pages / seconds >= TARGETS.pagesPerSecond && percentile(0.99) <= TARGETS.p99SearchMs,
};
console.log(JSON.stringify(report));
