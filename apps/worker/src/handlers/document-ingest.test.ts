import { describe, expect, it } from "vitest";
import { pageExtraction } from "./document-ingest.ts";

describe("pageExtraction", () => {
  it("records how each page was read: text layer, OCR of the scan's image or of the rendered page", () => {
    expect(
      pageExtraction({ page: 1, text: "Du texte ici", source: "text", method: "text" }),
    ).toEqual({
      page: 1,
      method: "text",
      confidence: undefined,
      ocrInput: undefined,
      chars: 10,
    });
    expect(
      pageExtraction({
        page: 2,
        text: "Texte numérisé",
        source: "ocr",
        method: "ocr-image",
        confidence: 91.26,
        encoding: "jpeg",
        rotation: 90,
      }),
    ).toEqual({ page: 2, method: "ocr", confidence: 91.3, ocrInput: "image", chars: 13 });
    expect(
      pageExtraction({
        page: 3,
        text: "Page mixte",
        source: "ocr",
        method: "ocr-render",
        confidence: 80,
      }),
    ).toMatchObject({ method: "ocr", ocrInput: "render" });
  });
});
