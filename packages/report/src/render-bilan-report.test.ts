import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { masteryLabels } from "@nexus/shared/domain";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream } from "pdf-lib";
import { extractText, getMeta, renderPageAsImage } from "unpdf";
import { beforeAll, describe, expect, it } from "vitest";
import { layoutBilanReport, sectionHeadings } from "./bilan-document";
import { longBilan, shortBilan } from "./fixtures/bilan-fixtures";
import { formatNumberFr } from "./french-format";
import { checkReportSize, pdfMeasurer, renderBilanReport } from "./render-bilan-report";
import { parseReportInput, ReportError, type ReportInput } from "./report-input";
import { page } from "./theme";

// pdf.js (inside unpdf) uses ArrayBuffer#transferToFixedLength, which Node 20
// lacks (Node 21+, Bun have it); without it, page rendering silently skips fonts.
if (!("transferToFixedLength" in ArrayBuffer.prototype)) {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    value(this: ArrayBuffer, length = this.byteLength) {
      const out = new ArrayBuffer(length);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return out;
    },
  });
}

const artefacts = fileURLToPath(new URL("../../../test-results/report/", import.meta.url));

/** unpdf detaches the buffer it is given, so every call gets its own copy. */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
/** Collapses the spaces pdf.js may return (incl. non-breaking ones) into single spaces. */
const normalise = (text: string) => text.replace(/[\s\u00A0\u202F]+/g, " ");

interface Rendered {
  bytes: Uint8Array;
  pages: string[];
  all: string;
}

async function render(input: ReportInput): Promise<Rendered> {
  const bytes = await renderBilanReport(input, { now: new Date(Date.UTC(2026, 10, 22)) });
  const { text } = await extractText(copy(bytes));
  const pages = text.map(normalise);
  return { bytes, pages, all: pages.join(" ") };
}

const cases = [
  // Page-count rule: a typical bilan is 2–3 pages; the long fixture (10 domains,
  // 6 recommendations, 12 study-plan weeks) needs at least 4 and at most 8.
  { name: "short", input: shortBilan, minPages: 2, maxPages: 3 },
  { name: "long", input: longBilan, minPages: 4, maxPages: 8 },
] as const;

describe.each(cases)("$name bilan report", ({ input, minPages, maxPages }) => {
  let report: Rendered;
  beforeAll(async () => {
    report = await render(input);
  });

  it("is a PDF with the expected number of pages", () => {
    expect(new TextDecoder().decode(report.bytes.slice(0, 5))).toBe("%PDF-");
    expect(report.pages.length).toBeGreaterThanOrEqual(minPages);
    expect(report.pages.length).toBeLessThanOrEqual(maxPages);
  });

  it("contains every section heading", () => {
    for (const heading of Object.values(sectionHeadings)) expect(report.all).toContain(heading);
  });

  it("prints the student's name with its accents intact", () => {
    expect(report.pages[0]).toContain("Zoé Lefèvre-Garçon");
    expect(report.pages[0]).toContain("Première");
    expect(report.pages[0]).toContain("Mathématiques");
    expect(report.pages[0]).toContain("21 novembre 2026");
  });

  it("prints every domain's points and percentage exactly as computed", () => {
    const scores = parseReportInput(input).scores;
    for (const d of scores.domains) {
      expect(report.all).toContain(
        `${formatNumberFr(d.earned)} / ${formatNumberFr(d.max)} ${d.percent} %`,
      );
      expect(report.all).toContain(masteryLabels[d.mastery]);
    }
    expect(report.pages[0]).toContain(`Résultat global ${scores.overall.percent} %`);
  });

  it("has a running footer « Page X / N » on every page", () => {
    const n = report.pages.length;
    report.pages.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1} / ${n}`);
    });
  });

  it("keeps every text inside the page margins", () => {
    const parsed = parseReportInput(input);
    const { pages } = layoutBilanReport(parsed, pdfMeasurer);
    for (const p of pages) {
      for (const c of p.commands) {
        if (c.kind !== "text") continue;
        expect(c.x).toBeGreaterThanOrEqual(page.margin.left - 0.01);
        expect(c.x + c.width).toBeLessThanOrEqual(page.width - page.margin.right + 0.01);
      }
    }
  });

  it("cites every recommendation's sources", () => {
    for (const rec of parseReportInput(input).synthesis.recommendations) {
      expect(report.all).toContain(normalise(rec.title));
      for (const src of rec.sources) {
        expect(report.all).toContain(`« ${src.documentTitle} », p. ${src.page}`);
      }
    }
  });
});

describe("report content details", () => {
  it("renders the French special characters « é è à ç ô œ € ² » and guillemets", async () => {
    const { all } = await render(shortBilan);
    for (const word of ["cœur", "45 €", "x²", "à l'ouvrage", "Côté", "Maîtrisé", "«", "»"]) {
      expect(all).toContain(word);
    }
  });

  it("shows the coach's approval on a final report", async () => {
    const { pages, all } = await render(shortBilan);
    expect(pages[0]).toContain("Validé par Mme Hélène Côté le 22 novembre 2026");
    expect(all).not.toContain("Version provisoire");
  });

  it("marks a report awaiting validation as provisional", async () => {
    const { pages, all } = await render(longBilan);
    expect(pages[0]).toContain("Version provisoire – en attente de validation");
    expect(all).not.toContain("Validé par");
  });

  it("writes the document metadata (title, author, language)", async () => {
    const { bytes } = await render(shortBilan);
    const { info } = await getMeta(copy(bytes));
    expect(info.Title).toBe("Bilan pédagogique – Zoé Lefèvre-Garçon – Mathématiques");
    expect(info.Author).toBe("Nexus Réussite");
    expect(info.Language).toBe("fr-FR");
    expect(info.Subject).toContain("version 2");
    expect(info.CreationDate).toBe("D:20261122000000Z");
  });

  it("registers each font once per page and compresses every page content stream", async () => {
    const { bytes } = await render(longBilan);
    const doc = await PDFDocument.load(copy(bytes));
    for (const p of doc.getPages()) {
      const fonts = p.node.Resources()!.lookup(PDFName.of("Font"), PDFDict);
      expect(fonts.keys()).toHaveLength(2);
      const contents = p.node.Contents()!;
      const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
      for (const ref of streams) {
        const stream = doc.context.lookup(ref, PDFStream);
        expect(stream.dict.get(PDFName.of("Filter"))).toBe(PDFName.of("FlateDecode"));
      }
    }
  });

  it("drops characters the font cannot draw instead of printing empty boxes", async () => {
    const input = structuredClone(shortBilan);
    input.synthesis.summary = "Très bon travail 🙂 sur l'algèbre.";
    const { all } = await render(input);
    expect(all).toContain("Très bon travail sur l'algèbre.");
  });

  it("defaults the centre branding to Nexus Réussite", async () => {
    const { centre: _centre, ...rest } = shortBilan;
    const { pages } = await render(rest);
    expect(pages[0]).toContain("Nexus Réussite");
    expect(pages[0]).toContain("Bilans pédagogiques et accompagnement scolaire");
  });
});

describe("input and output checks", () => {
  it("refuses invalid input with a clear French error", async () => {
    const bad = { ...shortBilan, student: { ...shortBilan.student, niveau: "cm2" } };
    const error = await renderBilanReport(bad as unknown as ReportInput).catch((e) => e);
    expect(error).toBeInstanceOf(ReportError);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toMatch(/^Données du rapport invalides/);
    expect(error.message).toContain("student.niveau");
  });

  it("refuses a final version without the coach's approval", async () => {
    const error = await renderBilanReport({ ...shortBilan, review: undefined }).catch((e) => e);
    expect(error).toBeInstanceOf(ReportError);
    expect(error.message).toContain("validation du coach");
  });

  it("refuses a bilan without any scored domain", async () => {
    const input = structuredClone(shortBilan);
    input.scores.domains = [];
    const error = await renderBilanReport(input).catch((e) => e);
    expect(error.message).toContain("aucun domaine noté");
  });

  it("refuses an output over the size limit", async () => {
    const error = await renderBilanReport(shortBilan, { maxBytes: 1000 }).catch((e) => e);
    expect(error).toBeInstanceOf(ReportError);
    expect(error.code).toBe("too_large");
    expect(error.message).toContain("au-delà de la limite de 1000 octets");
  });

  it("refuses an empty output", () => {
    expect(() => checkReportSize(new Uint8Array(), 10)).toThrow("Le rapport PDF généré est vide.");
  });
});

describe("page 1 preview", () => {
  it("renders page 1 to a non-trivial PNG for people to look at", async () => {
    const { bytes } = await render(shortBilan);
    const png = new Uint8Array(
      await renderPageAsImage(copy(bytes), 1, {
        canvasImport: () => import("@napi-rs/canvas"),
        scale: 1.5,
      }),
    );
    mkdirSync(artefacts, { recursive: true });
    writeFileSync(`${artefacts}page-1.png`, png);

    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { createCanvas, loadImage } = await import("@napi-rs/canvas");
    const image = await loadImage(Buffer.from(png));
    expect(Math.abs(image.width - page.width * 1.5)).toBeLessThan(1);
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, image.width, image.height);
    // The branded band is navy (#1F3A5F) and the body mostly white.
    expect([data[0], data[1], data[2]]).toEqual([0x1f, 0x3a, 0x5f]);
    const mid = (Math.round(image.height * 0.97) * image.width + 5) * 4;
    expect([data[mid], data[mid + 1], data[mid + 2]]).toEqual([255, 255, 255]);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    }
    expect(colours.size).toBeGreaterThan(50);
  });
});
