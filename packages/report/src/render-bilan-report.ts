// Entry point of the package: validates the input, lays the report out and
// assembles the PDF with pdf-lib (embedded, subset DejaVu fonts), then refuses
// an empty or oversize result. I/O-free apart from reading the fonts once.
import { niveauLabels, subjectLabels } from "@nexus/shared/domain";
import { PDFDocument } from "pdf-lib";
import { layoutBilanReport } from "./bilan-document";
import { drawableText, fontAscent, fontBytes, sharedFontkit, textWidth } from "./fonts";
import { withFrenchSpacing } from "./french-format";
import { drawPages } from "./layout/draw-pdf";
import { compressContentStreams, useNativeDeflate } from "./layout/native-deflate";
import type { Measurer } from "./layout/types";
import {
  type ParsedReportInput,
  parseReportInput,
  ReportError,
  type ReportInput,
} from "./report-input";
import { page } from "./theme";

export const DEFAULT_MAX_REPORT_BYTES = 10 * 1024 * 1024;

export interface RenderReportOptions {
  /** Refuse a PDF larger than this many bytes (default 10 MB). */
  maxBytes?: number;
  /** Creation date written in the metadata (default: now). */
  now?: Date;
}

/** Measures with the same fonts and advances pdf-lib draws with. */
export const pdfMeasurer: Measurer = { width: textWidth, ascent: fontAscent };

/** Every string of the input in drawable form: NFC, no glyph-less characters, French spacing. */
function drawableStrings<T>(value: T): T {
  if (typeof value === "string") return withFrenchSpacing(drawableText(value)) as T;
  if (Array.isArray(value)) return value.map(drawableStrings) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, drawableStrings(v)])) as T;
  }
  return value;
}

function setMetadata(doc: PDFDocument, input: ParsedReportInput, now: Date) {
  const name = `${input.student.firstName} ${input.student.lastName}`;
  const subject = subjectLabels[input.subject];
  doc.setTitle(`Bilan pédagogique – ${name} – ${subject}`, { showInWindowTitleBar: true });
  doc.setAuthor(input.centre.name);
  doc.setSubject(
    `Bilan de ${subject} (${input.questionnaireTitle}), version ${input.version}${
      input.final ? "" : " provisoire"
    }`,
  );
  doc.setKeywords(["bilan pédagogique", subject, niveauLabels[input.student.niveau]]);
  doc.setLanguage("fr-FR");
  doc.setCreator(`${input.centre.name} – @nexus/report`);
  doc.setProducer("pdf-lib");
  doc.setCreationDate(now);
  doc.setModificationDate(now);
}

export function checkReportSize(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.byteLength === 0) {
    throw new ReportError("empty_output", "Le rapport PDF généré est vide.");
  }
  if (bytes.byteLength > maxBytes) {
    throw new ReportError(
      "too_large",
      `Le rapport PDF généré pèse ${bytes.byteLength} octets, au-delà de la limite de ${maxBytes} octets.`,
    );
  }
}

export async function renderBilanReport(
  input: ReportInput,
  options: RenderReportOptions = {},
): Promise<Uint8Array> {
  const parsed = drawableStrings(parseReportInput(input));
  const layout = layoutBilanReport(parsed, pdfMeasurer);

  const doc = await PDFDocument.create();
  useNativeDeflate(doc);
  doc.registerFontkit(sharedFontkit);
  const fonts = {
    regular: await doc.embedFont(fontBytes("regular"), { subset: true }),
    bold: await doc.embedFont(fontBytes("bold"), { subset: true }),
  };
  drawPages(doc, fonts, layout.pages, page);
  setMetadata(doc, parsed, options.now ?? new Date());
  await compressContentStreams(doc);
  // One pass without yielding to the event loop every 50 objects (pdf-lib's default).
  const bytes = await doc.save({ objectsPerTick: Number.POSITIVE_INFINITY });
  checkReportSize(bytes, options.maxBytes ?? DEFAULT_MAX_REPORT_BYTES);
  return bytes;
}
