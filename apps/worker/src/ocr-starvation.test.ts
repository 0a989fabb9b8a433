// A long scan does not starve other job kinds: while a 40-page scanned PDF is being OCR'd
// (its pages held in the OCR pool), the same worker renders a bilan report and completes the
// job. Events, not timing: the OCR pool is gated and opened only after the report is done.
import { extractPages } from "@nexus/knowledge/extract";
import type { OcrPageResult, OcrPool } from "@nexus/knowledge/ocr-pool";
import { renderTextPageImage } from "@nexus/knowledge/page-image";
import { buildScannedPdf } from "@nexus/knowledge/scan-pdf";
import { shortBilan } from "@nexus/report/fixtures/bilan-fixtures";
import { renderBilanReport } from "@nexus/report/render-bilan-report";
import { jobPayloadSchemas } from "@nexus/shared/jobs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONCURRENCY } from "./config.ts";
import { defineHandler, type WorkerConvex } from "./handler.ts";
import { createLogger } from "./logger.ts";
import { MemoryQueue } from "./memory-queue.test-helpers.ts";
import { createRegistry } from "./registry.ts";
import { Worker } from "./worker.ts";

const PAGES = 40;

/** A small "scanned sheet" (its pixels are never recognised here). */
const sheet = (n: number) => renderTextPageImage(`Page ${n}`, { dpi: 20 });

/** An OCR pool of one worker whose pages finish only once the gate is opened. */
function gatedPool() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let started = 0;
  let recognised = 0;
  let onStart = () => {};
  const pool: OcrPool = {
    size: 1,
    async recognize(image): Promise<OcrPageResult> {
      const page = ++started;
      onStart();
      await gate;
      recognised++;
      return {
        text: `Texte reconnu de la page numérisée ${page} (${image.length} octets).`,
        confidence: 90,
      };
    },
    stats: () => ({
      pagesRecognised: recognised,
      workersCreated: 1,
      workersRecycled: 0,
      activeWorkers: 1,
      queued: 0,
    }),
    terminate: async () => {},
  };
  return {
    pool,
    open,
    started: () => started,
    firstPageStarted: new Promise<void>((resolve) => {
      onStart = resolve;
    }),
  };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 5_000 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!check()) throw new Error("condition never met");
}

describe("OCR and other job kinds", () => {
  it("renders a bilan PDF while a 40-page scan is in OCR", async () => {
    const scan = await buildScannedPdf(
      Array.from({ length: PAGES }, (_, i) => ({ image: sheet(i + 1), encoding: "jpeg" as const })),
    );
    const ocr = gatedPool();
    const ingest = defineHandler({
      kind: "document.ingest",
      schema: jobPayloadSchemas["document.ingest"],
      timeoutMs: 600_000,
      retry: { baseMs: 1, maxMs: 1 },
      async run(_payload, { signal }) {
        const pages = await extractPages(scan, "application/pdf", { ocrPool: ocr.pool, signal });
        return { pages: pages.map((p) => [p.page, p.method]) };
      },
    });
    const pdf = defineHandler({
      kind: "bilan.pdf",
      schema: jobPayloadSchemas["bilan.pdf"],
      timeoutMs: 120_000,
      retry: { baseMs: 1, maxMs: 1 },
      async run() {
        const bytes = await renderBilanReport(shortBilan);
        return { bytes: bytes.length };
      },
    });
    const queue = new MemoryQueue();
    const worker = new Worker({
      queue,
      registry: createRegistry([ingest, pdf]),
      convex: {} as WorkerConvex,
      log: createLogger({ write: () => {} }),
      workerId: "w1",
      concurrency: { ...DEFAULT_CONCURRENCY, "document.ingest": 1, "bilan.pdf": 1 },
      pollIntervalMs: 60_000,
      leaseMs: 60_000,
      heartbeatMs: 1_000,
      beatIntervalMs: 1_000,
      shutdownGraceMs: 10_000,
      disableSubscription: false,
      retryBaseMsOverride: 1,
    });
    await worker.start();
    try {
      const scanJob = queue.add("document.ingest", { documentId: "doc1" });
      await ocr.firstPageStarted;
      const reportJob = queue.add("bilan.pdf", { bilanId: "bilan1" });
      await until(
        () =>
          queue.get(reportJob).status !== "running" && queue.get(reportJob).status !== "pending",
      );

      // The report is done while the scan still waits on its OCR pages…
      expect(queue.get(reportJob)).toMatchObject({ status: "completed" });
      expect((queue.get(reportJob).result as { bytes: number }).bytes).toBeGreaterThan(10_000);
      expect(queue.get(scanJob).status).toBe("running");
      // …holding no more pages than the pool has workers, plus one prepared.
      expect(ocr.started()).toBeGreaterThanOrEqual(1);
      expect(ocr.started()).toBeLessThanOrEqual(2);

      ocr.open();
      await until(() => queue.get(scanJob).status === "completed");
      const { pages } = queue.get(scanJob).result as { pages: [number, string][] };
      expect(pages).toEqual(Array.from({ length: PAGES }, (_, i) => [i + 1, "ocr-image"]));
      expect(ocr.started()).toBe(PAGES);
    } finally {
      await worker.shutdown();
    }
  });
});
