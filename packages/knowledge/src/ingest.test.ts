import { describe, expect, it } from "vitest";
import { CHUNKER_VERSION } from "./chunk.ts";
import type { Embedder } from "./embedder.ts";
import { sha256Hex } from "./hash.ts";
import { prepareDocument } from "./ingest.ts";
import { LocalEmbedder } from "./local-embedder.ts";
import type { OcrPool } from "./ocr-pool.ts";
import { renderPdf } from "./pdf-render.ts";
import { renderStarterDocument, starterSources } from "./starter.ts";

const firstStarter = () => renderStarterDocument(starterSources()[0]!);

/** OCR stand-in that records calls and returns a fixed text (the real pool is tested elsewhere). */
function fakeOcr(text: string): OcrPool & { calls: number } {
  const pool = {
    calls: 0,
    async recognize() {
      pool.calls++;
      return { text, confidence: 88 };
    },
    stats: () => ({
      pagesRecognised: pool.calls,
      workersCreated: 0,
      workersRecycled: 0,
      activeWorkers: 0,
      queued: 0,
    }),
    terminate: async () => {},
  };
  return pool;
}

describe("prepareDocument", () => {
  it("turns a starter PDF into cleaned pages and embedded chunks, reporting each stage", async () => {
    const document = await firstStarter();
    const stages: string[] = [];
    const ocr = fakeOcr("");
    const prepared = await prepareDocument(document!.bytes, {
      title: document!.title,
      mime: "application/octet-stream",
      embedder: new LocalEmbedder(),
      ocrPool: ocr,
      onProgress: (stage, done, total) => stages.push(`${stage}:${done}/${total}`),
    });
    expect(prepared).toMatchObject({
      mime: "application/pdf",
      size: document!.bytes.byteLength,
      sha256: sha256Hex(document!.bytes),
      ocrPages: 0,
      embeddingModel: "local-hash-v1",
      chunkerVersion: CHUNKER_VERSION,
    });
    expect(ocr.calls).toBe(0);
    expect(prepared.pages).toHaveLength(document!.pageCount);
    // Running header and footer removed by cleaning.
    for (const page of prepared.pages) expect(page.text).not.toMatch(/Nexus Réussite|page \d\/\d/);
    expect(prepared.chunks.length).toBeGreaterThan(1);
    prepared.chunks.forEach((chunk, i) => {
      expect(chunk.ordinal).toBe(i);
      expect(chunk.embedding).toHaveLength(1536);
      expect(chunk.pageStart).toBeGreaterThanOrEqual(1);
      expect(chunk.pageEnd).toBeLessThanOrEqual(document!.pageCount);
      expect(chunk.headingPath[0]).toBe(document!.title);
    });
    const order = [...new Set(stages.map((s) => s.split(":")[0]))];
    expect(order).toEqual(["extracting", "chunking", "embedding"]);
    expect(stages.at(-1)).toBe(`embedding:${prepared.chunks.length}/${prepared.chunks.length}`);
    // PDF rendering, extraction and embedding: a few seconds, more on a loaded machine.
  }, 30_000);

  it("goes through OCR for an image and records OCR pages", async () => {
    const { renderTextPageImage } = await import("./page-image.ts");
    const png = renderTextPageImage("x", { dpi: 72, cropToText: true });
    const stages: string[] = [];
    const prepared = await prepareDocument(png, {
      title: "Copie scannée",
      embedder: new LocalEmbedder(),
      ocrPool: fakeOcr("La dérivée de x² est 2x. On en déduit les variations."),
      onProgress: (stage) => stages.push(stage),
    });
    expect(prepared.mime).toBe("image/png");
    expect(prepared.ocrPages).toBe(1);
    expect(prepared.pages[0]).toMatchObject({ source: "ocr", confidence: 88 });
    expect(prepared.chunks).toHaveLength(1);
    expect([...new Set(stages)]).toEqual(["extracting", "ocr", "chunking", "embedding"]);
  });

  it("fails clearly when no text can be found, and refuses other formats", async () => {
    const blank = await renderPdf([{ kind: "markdown", markdown: "" }], { title: "Vide" });
    await expect(
      prepareDocument(blank, {
        title: "Vide",
        embedder: new LocalEmbedder(),
        ocrPool: fakeOcr("  "),
      }),
    ).rejects.toMatchObject({ code: "no_text" });
    await expect(
      prepareDocument(new TextEncoder().encode("bonjour"), {
        title: "Texte",
        embedder: new LocalEmbedder(),
        ocrPool: fakeOcr(""),
      }),
    ).rejects.toMatchObject({ code: "unsupported_type" });
  });

  it("stops when aborted and surfaces embedder failures", async () => {
    const document = await firstStarter();
    const controller = new AbortController();
    controller.abort();
    await expect(
      prepareDocument(document!.bytes, {
        title: "x",
        embedder: new LocalEmbedder(),
        ocrPool: fakeOcr(""),
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: "aborted" });

    const broken: Embedder = {
      model: "broken",
      dimensions: 1536,
      embed: async () => [],
    };
    await expect(
      prepareDocument(document!.bytes, { title: "x", embedder: broken, ocrPool: fakeOcr("") }),
    ).rejects.toMatchObject({ code: "embedding_failed" });
  });
});
