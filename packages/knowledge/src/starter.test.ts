import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.ts";
import { parseStarterMarkdown, starterDocuments, starterSources } from "./starter.ts";

describe("starter knowledge base", () => {
  it("has 10 to 20 documents covering every subject plus methodology and one scan", () => {
    const sources = starterSources();
    const pdfs = sources.filter((s) => s.format === "pdf");
    expect(pdfs.length).toBeGreaterThanOrEqual(10);
    expect(pdfs.length).toBeLessThanOrEqual(20);
    expect(sources.filter((s) => s.format === "scan")).toHaveLength(1);
    expect(new Set(sources.map((s) => s.subject))).toEqual(
      new Set(["maths", "nsi", "physique-chimie", null]),
    );
    for (const source of pdfs) expect(source.pages.length).toBeGreaterThanOrEqual(2);
  });

  it("generates the same bytes on every call (stable SHA-256 for duplicate detection)", async () => {
    const first = await starterDocuments();
    const second = await starterDocuments();
    expect(first.map((d) => sha256Hex(d.bytes))).toEqual(second.map((d) => sha256Hex(d.bytes)));
    expect(new Set(first.map((d) => d.filename)).size).toBe(first.length);
    for (const document of first) {
      expect(document.bytes.byteLength).toBeLessThan(2 * 1024 * 1024);
      expect(document.mime).toBe(
        document.filename.endsWith(".png") ? "image/png" : "application/pdf",
      );
    }
  }, 60_000);

  it("validates front matter", () => {
    expect(() => parseStarterMarkdown("# Pas de front matter")).toThrow(/front matter missing/);
    expect(() =>
      parseStarterMarkdown("---\ntitle: T\nsubject: histoire\nniveau: null\ndomain: d\n---\nTexte"),
    ).toThrow();
    expect(
      parseStarterMarkdown(
        "---\ntitle: T\nsubject: null\nniveau: terminale\ndomain: d\n---\nA\n<!-- page -->\nB",
      ),
    ).toMatchObject({ subject: null, niveau: "terminale", format: "pdf", pages: ["A", "B"] });
  });
});
