// Scanned PDFs: each page's own image is OCR'd (JPEG, Flate with and without PNG predictors,
// 1-bit), turned pages come out upright, mixed pages are rendered, a garbage text layer is
// OCR'd again, pages are OCR'd concurrently and a cancel leaves nothing running or lost.
import { PDFDocument, PDFRawStream, type PDFRef } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { extractPages, isGarbageText } from "./extract.ts";
import { createOcrPool, type OcrPool } from "./ocr-pool.ts";
import { renderTextPageImage } from "./page-image.ts";
import { buildScannedPdf } from "./scan-pdf.ts";
import { characterErrorRate } from "./text-metrics.ts";

// pdf.js loads embedded fonts with ArrayBuffer#transferToFixedLength (Bun, Node ≥ 21); Vitest
// runs on Node 20 here, where glyphs would silently not be drawn. A copy is enough for tests.
if (!("transferToFixedLength" in ArrayBuffer.prototype)) {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    value(this: ArrayBuffer, length?: number) {
      return this.slice(0, length ?? this.byteLength);
    },
  });
}

const sentences = [
  "Première page : le principe d'inertie, quand les forces se compensent.",
  "Deuxième page : la dérivée d'une fonction donne ses variations.",
  "Troisième page : une suite géométrique de raison q et sa somme.",
  "Quatrième page : la loi binomiale, son espérance et sa variance.",
  "Cinquième page : le produit scalaire de deux vecteurs du plan.",
  "Sixième page : les piles et les files en informatique.",
];
/** A short scanned sheet (cropped to its text: quick to recognise). */
const sheet = (text: string) => renderTextPageImage(text, { dpi: 200, cropToText: true });
const garbage = "~#@ §¤| ^{ }%* ±¦ ¬° =/\\ ~#@ §¤| ^{ }%* ±¦ ¬° =/\\ ~#@ §¤| ^{ }%* ±¦ ¬°";

describe("scanned PDF extraction", () => {
  const pool = createOcrPool({ size: 2 });
  afterAll(() => pool.terminate());

  it("OCRs each scanned page's own image, upright and in order, whatever its encoding", async () => {
    const pdf = await buildScannedPdf([
      { image: sheet(sentences[0]!), encoding: "jpeg" },
      { image: sheet(sentences[1]!), encoding: "png", turned: { degrees: 90, by: "rotate" } },
      {
        image: sheet(sentences[2]!),
        encoding: "flate-predictor",
        turned: { degrees: 90, by: "matrix" },
      },
      {
        image: sheet(sentences[3]!),
        encoding: "flate-1bit",
        turned: { degrees: 180, by: "matrix" },
      },
      { image: sheet(sentences[4]!), encoding: "jpeg", turned: { degrees: 270, by: "rotate" } },
    ]);
    const progress: string[] = [];
    const pages = await extractPages(pdf, "application/pdf", {
      ocrPool: pool,
      onProgress: (stage, done, total) => progress.push(`${stage}:${done}/${total}`),
    });
    expect(pages.map((p) => [p.page, p.method, p.encoding, p.rotation])).toEqual([
      [1, "ocr-image", "jpeg", 0],
      [2, "ocr-image", "flate-pnm", 90],
      [3, "ocr-image", "flate-png", 90],
      [4, "ocr-image", "flate-pnm", 180],
      [5, "ocr-image", "jpeg", 270],
    ]);
    pages.forEach((page, i) => {
      expect(characterErrorRate(sentences[i]!, page.text), page.text).toBeLessThan(0.05);
      expect(page.confidence).toBeGreaterThan(70);
    });
    // The scan's own resolution (the sheets are cropped, so only the unturned width is 200 dpi).
    expect(pages[0]!.dpi).toBe(200);
    expect(progress.filter((p) => p.startsWith("ocr"))).toEqual([
      "ocr:0/5",
      "ocr:1/5",
      "ocr:2/5",
      "ocr:3/5",
      "ocr:4/5",
      "ocr:5/5",
    ]);
  }, 120_000);

  it("OCRs a page again under a garbage text layer, keeps a good one, renders a mixed page", async () => {
    const pdf = await buildScannedPdf([
      { image: sheet(sentences[0]!), encoding: "jpeg", hiddenText: garbage },
      // A copier's good OCR layer: read as text, no OCR.
      {
        image: sheet(sentences[1]!),
        encoding: "jpeg",
        hiddenText: "Deuxième page : la dérivée d'une fonction donne ses variations.",
      },
      // A scan with a printed page number beside it: rendered whole.
      {
        image: renderTextPageImage(sentences[2]!, { dpi: 150 }),
        encoding: "png",
        visibleText: "Annexe : exercices",
      },
    ]);
    const pages = await extractPages(pdf, "application/pdf", { ocrPool: pool });
    expect(pages.map((p) => p.method)).toEqual(["ocr-image", "text", "ocr-render"]);
    expect(characterErrorRate(sentences[0]!, pages[0]!.text)).toBeLessThan(0.05);
    expect(pages[1]!.text).toContain("la dérivée d'une fonction");
    expect(pages[2]!.text).toMatch(/suite géométrique/);
    expect(pages[2]!.text).toContain("Annexe : exercices");
  }, 120_000);

  it("OCRs pages concurrently; a cancel stops every page and leaves the pool idle and whole", async () => {
    const pdf = await buildScannedPdf(
      sentences.map((text) => ({ image: sheet(text), encoding: "jpeg" as const })),
    );
    const controller = new AbortController();
    let running = 0;
    let maxRunning = 0;
    let pending = 0;
    // The real pool, watched: how many pages are in it at once, and whether any is still
    // unsettled when the extraction gives up.
    const watched: OcrPool = {
      size: pool.size,
      stats: () => pool.stats(),
      terminate: () => pool.terminate(),
      recognize(image, options) {
        pending++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        // Cancel once two pages are in the pool at the same time (the parallel path).
        if (running === 2) queueMicrotask(() => controller.abort());
        return pool.recognize(image, options).finally(() => {
          running--;
          pending--;
        });
      },
    };
    const progress: string[] = [];
    await expect(
      extractPages(pdf, "application/pdf", {
        ocrPool: watched,
        signal: controller.signal,
        onProgress: (stage, done) => progress.push(`${stage}:${done}`),
      }),
    ).rejects.toMatchObject({ code: "aborted" });
    // Pages went to the pool together: its two workers, plus at most one page ready.
    expect(maxRunning).toBeGreaterThanOrEqual(2);
    expect(maxRunning).toBeLessThanOrEqual(3);
    // Nothing left behind: no page in flight, no worker busy, nothing queued.
    expect(pending).toBe(0);
    expect(pool.stats()).toMatchObject({ busyWorkers: 0, queued: 0 });
    expect(progress).not.toContain("ocr:6");

    // The same pool then reads the whole document: no page lost, order kept.
    const pages = await extractPages(pdf, "application/pdf", { ocrPool: watched });
    expect(pages.map((p) => [p.page, p.method])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, "ocr-image"]),
    );
    pages.forEach((page, i) => {
      expect(characterErrorRate(sentences[i]!, page.text), page.text).toBeLessThan(0.05);
    });
    expect(maxRunning).toBeLessThanOrEqual(3);
  }, 180_000);
});

describe("scanned PDF extraction, broken image", () => {
  const pool = createOcrPool({ size: 1 });
  afterAll(() => pool.terminate());

  it("renders a page whose scan cannot be inflated instead of failing the document", async () => {
    const pdf = await PDFDocument.load(
      await buildScannedPdf([
        { image: sheet(sentences[0]!), encoding: "flate-1bit" },
        { image: sheet(sentences[1]!), encoding: "jpeg" },
      ]),
    );
    // Corrupt the first page's image stream (not zlib any more).
    const [, ref] = pdf.getPage(0).node.normalizedEntries().XObject.entries()[0]!;
    const stream = pdf.context.lookup(ref) as PDFRawStream;
    pdf.context.assign(
      ref as PDFRef,
      PDFRawStream.of(stream.dict, new TextEncoder().encode("ceci n'est pas du zlib")),
    );
    const pages = await extractPages(await pdf.save(), "application/pdf", { ocrPool: pool });
    expect(pages.map((p) => [p.page, p.method])).toEqual([
      [1, "ocr-render"],
      [2, "ocr-image"],
    ]);
    expect(characterErrorRate(sentences[1]!, pages[1]!.text)).toBeLessThan(0.05);
  }, 60_000);
});

describe("isGarbageText", () => {
  it("flags symbol soup and broken copier OCR, not French prose or formulas in sentences", () => {
    expect(isGarbageText(garbage)).toBe(true);
    expect(isGarbageText("l1| !i lI1 ,;: |l| 1!l ;:, Il1 |!| l;1 ,:I")).toBe(true);
    expect(isGarbageText("12 ;; 4 // 7 :: 99 -- 3 ** 5 ++ 8")).toBe(true);
    expect(isGarbageText(sentences.join(" "))).toBe(false);
    expect(
      isGarbageText(
        "Une suite est arithmétique de raison r si, pour tout n, u(n+1) = u(n) + r. Son terme général est u(n) = u(0) + nr.",
      ),
    ).toBe(false);
    expect(isGarbageText("")).toBe(false);
  });
});
