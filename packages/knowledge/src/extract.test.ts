import { createCanvas, loadImage } from "@napi-rs/canvas";
import { afterAll, describe, expect, it } from "vitest";
import { cleanPages } from "./clean.ts";
import { extractPages, linesToText } from "./extract.ts";
import { createOcrPool, type OcrPool } from "./ocr-pool.ts";
import { renderTextPageImage } from "./page-image.ts";
import { renderPdf } from "./pdf-render.ts";
import { renderStarterDocument, scanText, starterSources } from "./starter.ts";
import { characterErrorRate } from "./text-metrics.ts";

const textPage = `# Les suites numériques

## Suites arithmétiques

Une suite est arithmétique de raison r si, pour tout n, u(n+1) = u(n) + r.

- Son terme général est u(n) = u(0) + nr.
- La somme 1 + 2 + … + n vaut n(n + 1)/2.`;

const scannedText =
  "Le principe d'inertie : si les forces se compensent, le système est immobile ou en mouvement rectiligne uniforme.";

/** A pool that fails the test if OCR is requested. */
const noOcr: OcrPool = {
  recognize: () => Promise.reject(new Error("OCR should not be needed")),
  stats: () => ({
    pagesRecognised: 0,
    workersCreated: 0,
    workersRecycled: 0,
    activeWorkers: 0,
    queued: 0,
  }),
  terminate: async () => {},
};

describe("PDF and image extraction", () => {
  const pool = createOcrPool();
  afterAll(() => pool.terminate());
  // A 150 dpi scan (skewed) embedded as the page, OCR'd from the embedded image at 150 dpi.
  const scanPng = renderTextPageImage(scannedText, { dpi: 150, rotationDeg: 0.4 });

  it("reads a text PDF page by page without OCR, keeping headings and paragraphs", async () => {
    const pdf = await renderPdf(
      [
        { kind: "markdown", markdown: textPage },
        {
          kind: "markdown",
          markdown:
            "## Suites géométriques\n\nUne suite géométrique de raison q vérifie u(n+1) = q × u(n).",
        },
      ],
      { title: "Suites" },
    );
    const progress: string[] = [];
    const pages = await extractPages(pdf, "application/pdf", {
      ocrPool: noOcr,
      onProgress: (stage, done, total) => progress.push(`${stage}:${done}/${total}`),
    });
    expect(pages.map((p) => [p.page, p.source])).toEqual([
      [1, "text"],
      [2, "text"],
    ]);
    expect(pages[0]!.text).toBe(
      [
        "# Les suites numériques",
        "## Suites arithmétiques",
        "Une suite est arithmétique de raison r si, pour tout n, u(n+1) = u(n) + r.",
        "• Son terme général est u(n) = u(0) + nr.\n• La somme 1 + 2 + … + n vaut n(n + 1)/2.",
      ].join("\n\n"),
    );
    expect(pages[1]!.text).toContain("q × u(n)");
    expect(progress).toEqual(["extracting:1/2", "extracting:2/2"]);
  });

  it("OCRs a scanned PDF page (an image only) from its own image", async () => {
    const pdf = await renderPdf([{ kind: "image", bytes: scanPng, format: "png" }], {
      title: "Scan",
    });
    const progress: string[] = [];
    const [page] = await extractPages(pdf, "application/pdf", {
      ocrPool: pool,
      onProgress: (stage, done, total) => progress.push(`${stage}:${done}/${total}`),
    });
    console.log(JSON.stringify({ scannedPdfCer: characterErrorRate(scannedText, page!.text) }));
    expect(page).toMatchObject({ source: "ocr", method: "ocr-image", dpi: 150 });
    expect(page!.confidence).toBeGreaterThan(70);
    expect(characterErrorRate(scannedText, page!.text)).toBeLessThan(0.05);
    expect(progress).toEqual(["extracting:1/1", "ocr:0/1", "ocr:1/1"]);
  }, 60_000);

  it("handles a mixed PDF: text pages read directly, the scanned page OCR'd", async () => {
    const pdf = await renderPdf(
      [
        { kind: "markdown", markdown: textPage },
        { kind: "image", bytes: scanPng, format: "png" },
        {
          kind: "markdown",
          markdown: "## Bilan\n\nOn retient les formules du terme général et de la somme.",
        },
      ],
      { title: "Mixte" },
    );
    const pages = await extractPages(pdf, "application/pdf", { ocrPool: pool });
    expect(pages.map((p) => p.source)).toEqual(["text", "ocr", "text"]);
    expect(pages[1]!.text).toMatch(/principe d.inertie/);
    expect(pages[2]!.text).toContain("## Bilan");
  }, 60_000);

  it("OCRs PNG, JPEG and WebP images directly as one page", async () => {
    const png = renderTextPageImage("Les graphes se parcourent en largeur avec une file.", {
      dpi: 300,
      cropToText: true,
    });
    const decoded = await loadImage(Buffer.from(png));
    const canvas = createCanvas(decoded.width, decoded.height);
    canvas.getContext("2d").drawImage(decoded, 0, 0);
    const formats = {
      "image/png": png,
      "image/jpeg": new Uint8Array(await canvas.encode("jpeg", 90)),
      "image/webp": new Uint8Array(await canvas.encode("webp", 90)),
    } as const;
    for (const [mime, bytes] of Object.entries(formats)) {
      const pages = await extractPages(bytes, mime as keyof typeof formats, { ocrPool: pool });
      expect(pages).toHaveLength(1);
      expect(pages[0]).toMatchObject({ page: 1, source: "ocr" });
      expect(
        characterErrorRate("Les graphes se parcourent en largeur avec une file.", pages[0]!.text),
      ).toBeLessThan(0.05);
    }
  }, 60_000);

  it("meets the accuracy floor on the starter scanned French page (CER < 5 %)", async () => {
    const source = starterSources().find((s) => s.format === "scan")!;
    const document = await renderStarterDocument(source);
    const [page] = await extractPages(document.bytes, document.mime, { ocrPool: pool });
    const [cleaned] = cleanPages([page!]);
    const cer = characterErrorRate(scanText(source), cleaned!.text);
    // Measured: CER ≈ 0.3–1 % (A4, 300 dpi, 12 pt serif, 0.6° skew, speckle noise).
    console.log(JSON.stringify({ starterScanCer: cer, confidence: page!.confidence }));
    expect(cer).toBeLessThan(0.05);
  }, 60_000);

  it("refuses a corrupt PDF with a French message", async () => {
    const broken = new TextEncoder().encode("%PDF-1.7\nceci n'est pas un vrai PDF");
    await expect(extractPages(broken, "application/pdf", { ocrPool: noOcr })).rejects.toMatchObject(
      {
        code: "unsupported_type",
        message: expect.stringMatching(/^Le fichier PDF est illisible/),
      },
    );
  });
});

describe("linesToText", () => {
  const item = (str: string, y: number, size: number, hasEOL = true) => ({
    str,
    hasEOL,
    height: size,
    transform: [size, 0, 0, size, 56, y],
  });

  it("moves a running header drawn last back to the top of the page", () => {
    const text = linesToText([
      item("Premier paragraphe du corps de texte.", 700, 11),
      item("Suite du corps de texte.", 685, 11),
      item("En-tête du document", 810, 8),
      item("Pied de page 1/3", 28, 8),
    ]);
    expect(text.split(/\n+/)).toEqual([
      "En-tête du document",
      "Premier paragraphe du corps de texte.",
      "Suite du corps de texte.",
      "Pied de page 1/3",
    ]);
  });

  it("merges a heading wrapped on two lines", () => {
    const text = linesToText([
      item("Probabilités conditionnelles et", 760, 20),
      item("variables aléatoires", 734, 20),
      item("Texte du cours en taille normale, assez long pour dominer.", 700, 11),
    ]);
    expect(text).toBe(
      "# Probabilités conditionnelles et variables aléatoires\n\nTexte du cours en taille normale, assez long pour dominer.",
    );
  });
});
