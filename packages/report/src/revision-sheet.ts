// ARIA's revision sheet (« Faire une fiche », issue 14): one A4 page in the bilan report's
// layout (fonts, palette, running header and footer, French typography) with the question,
// the answer's key points, the cited sources (title and page), the student's name and date.
// Pure layout plus pdf-lib assembly; the key points come from the answer's text here, so the
// worker and the tests agree on what the sheet holds.
import { subjectLabels, zSubject } from "@nexus/shared/domain";
import { PDFDocument } from "pdf-lib";
import { z } from "zod";
import { drawableText, fontBytes, sharedFontkit } from "./fonts";
import { formatDateFr, withFrenchSpacing } from "./french-format";
import { drawPages } from "./layout/draw-pdf";
import { compressContentStreams, useNativeDeflate } from "./layout/native-deflate";
import { type Block, decoratePages, type ParagraphBlock, paginate } from "./layout/paginate";
import type { DrawCommand, Measurer, TextCommand } from "./layout/types";
import { checkReportSize, pdfMeasurer } from "./render-bilan-report";
import { ReportError } from "./report-input";
import { page, palette, styles } from "./theme";

export const MAX_KEY_POINTS = 8;
const MAX_POINT_CHARS = 420;
const MAX_QUESTION_CHARS = 600;
const MAX_SOURCES = 6;

export const revisionSheetInputSchema = z.object({
  centreName: z.string().min(1),
  student: z.object({ firstName: z.string().min(1), lastName: z.string() }),
  subject: zSubject,
  question: z.string().trim().min(1),
  answer: z.string().trim().min(1),
  sources: z
    .array(
      z.object({
        title: z.string().min(1),
        pageStart: z.number().int().min(1),
        pageEnd: z.number().int().min(1),
      }),
    )
    .max(20),
  /** The answer's date (epoch ms), printed in Europe/Paris. */
  date: z.number(),
});
export type RevisionSheetInput = z.input<typeof revisionSheetInputSchema>;
type Parsed = z.output<typeof revisionSheetInputSchema>;

/** Phrases of ARIA's that invite a follow-up: not revision material. */
const FILLERS = [/^si un point reste flou/i, /^dis-moi /i];

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * The answer's key points: one per line or bullet, without Markdown marks, citation numbers
 * ([1]) or ARIA's closing invitation; an introduction ending with « : » is kept only when it
 * is the sole line.
 */
export function keyPoints(answer: string): string[] {
  const lines = answer
    .split(/\n+/)
    .map((line) =>
      line
        .replace(/\[\d+\]/g, "")
        .replace(/^\s*(?:[-*•]|\d+[.)]|#+)\s+/, "")
        .replace(/\*\*|__|`/g, "")
        .replace(/\s+/g, " ")
        // Left by a removed « [1] » before a full stop or comma; the space before « : ; ! ? »
        // is French and stays (made non-breaking when drawn).
        .replace(/\s+([.,])/g, "$1")
        .trim(),
    )
    .filter((line) => line.length > 1 && !FILLERS.some((f) => f.test(line)));
  const content = lines.filter((line) => !line.endsWith(":"));
  const points = content.length > 0 ? content : lines;
  return points.slice(0, MAX_KEY_POINTS).map((p) => clip(p, MAX_POINT_CHARS));
}

/** « p. 3 » or « p. 3–4 ». */
export function pagesLabel(pageStart: number, pageEnd: number): string {
  return pageEnd > pageStart ? `p.\u00A0${pageStart}–${pageEnd}` : `p.\u00A0${pageStart}`;
}

/** Distinct sources in citation order (one line per document and page range). */
function distinctSources(sources: Parsed["sources"]) {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const key = `${s.title}|${s.pageStart}|${s.pageEnd}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function heading(text: string): Block {
  return {
    kind: "heading",
    text,
    style: styles.h1,
    rule: { color: palette.accent, lineWidth: 1, gap: 7 },
    spaceBefore: 14,
    spaceAfter: 7,
  };
}

function paragraph(text: string, extra: Partial<ParagraphBlock> = {}): ParagraphBlock {
  return {
    kind: "paragraph",
    runs: [{ text, font: "regular" }],
    style: styles.body,
    spaceAfter: 4,
    ...extra,
  };
}

export const sheetHeadings = {
  question: "La question",
  keyPoints: "À retenir",
  sources: "Sources",
} as const;

function sheetBlocks(input: Parsed, points: string[]): Block[] {
  const name = `${input.student.firstName} ${input.student.lastName}`.trim();
  const blocks: Block[] = [
    {
      kind: "heading",
      text: `Fiche de révision – ${subjectLabels[input.subject]}`,
      style: { ...styles.h1, size: 17 },
      spaceAfter: 4,
    },
    paragraph(`${name} · ${formatDateFr(input.date)}`, { style: styles.small, spaceAfter: 2 }),
    heading(sheetHeadings.question),
    paragraph(clip(input.question, MAX_QUESTION_CHARS), {
      runs: [{ text: clip(input.question, MAX_QUESTION_CHARS), font: "bold" }],
      style: styles.bodyBold,
    }),
    heading(sheetHeadings.keyPoints),
    ...points.map((p) => paragraph(p, { indent: 14, marker: "•", spaceAfter: 3 })),
    heading(sheetHeadings.sources),
  ];
  const sources = distinctSources(input.sources).slice(0, MAX_SOURCES);
  if (sources.length === 0) {
    blocks.push(paragraph("Aucune fiche du centre n’a été citée dans cette réponse."));
  }
  for (const s of sources) {
    blocks.push(
      paragraph(`${s.title}, ${pagesLabel(s.pageStart, s.pageEnd)}`, {
        indent: 14,
        marker: "–",
        spaceAfter: 2,
      }),
    );
  }
  blocks.push(
    paragraph(
      "Fiche préparée à partir d’une réponse d’ARIA, le tuteur du centre, et des fiches de cours citées ci-dessus. Relis-la avant ta prochaine séance.",
      { style: styles.small, spaceBefore: 12 },
    ),
  );
  return blocks;
}

function footer(input: Parsed, measure: Measurer): DrawCommand[] {
  const style = styles.footer;
  const left = page.margin.left;
  const right = page.width - page.margin.right;
  const y = page.height - page.margin.bottom + 28;
  const text = (value: string, x: number): TextCommand => ({
    kind: "text",
    x,
    y,
    text: value,
    font: style.font,
    size: style.size,
    color: style.color,
    width: measure.width(value, style.font, style.size),
  });
  const label = `${input.centreName} · Fiche de révision ARIA`;
  return [
    {
      kind: "line",
      x1: left,
      y1: y - 11,
      x2: right,
      y2: y - 11,
      color: palette.rule,
      lineWidth: 0.5,
    },
    text(label, left),
  ];
}

/** The sheet laid out on exactly one page: key points are dropped from the end until it fits. */
export function layoutRevisionSheet(input: Parsed, measure: Measurer) {
  let points = keyPoints(input.answer);
  for (;;) {
    const flow = paginate(sheetBlocks(input, points), page, measure);
    if (flow.pages.length === 1 || points.length <= 1) {
      const pages = decoratePages(flow.pages.slice(0, 1), () => footer(input, measure));
      return { pages, points };
    }
    points = points.slice(0, -1);
  }
}

function drawable<T>(value: T): T {
  if (typeof value === "string") return withFrenchSpacing(drawableText(value)) as T;
  if (Array.isArray(value)) return value.map(drawable) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, drawable(v)])) as T;
  }
  return value;
}

export async function renderRevisionSheet(
  input: RevisionSheetInput,
  options: { now?: Date } = {},
): Promise<Uint8Array> {
  const result = revisionSheetInputSchema.safeParse(input);
  if (!result.success) {
    throw new ReportError(
      "invalid_input",
      `Fiche de révision impossible : ${result.error.issues[0]?.message ?? "données invalides"}.`,
    );
  }
  const parsed = drawable(result.data);
  const { pages } = layoutRevisionSheet(parsed, pdfMeasurer);
  const doc = await PDFDocument.create();
  useNativeDeflate(doc);
  doc.registerFontkit(sharedFontkit);
  const fonts = {
    regular: await doc.embedFont(fontBytes("regular"), { subset: true }),
    bold: await doc.embedFont(fontBytes("bold"), { subset: true }),
  };
  drawPages(doc, fonts, pages, page);
  const now = options.now ?? new Date();
  const name = `${parsed.student.firstName} ${parsed.student.lastName}`.trim();
  doc.setTitle(`Fiche de révision – ${name} – ${subjectLabels[parsed.subject]}`, {
    showInWindowTitleBar: true,
  });
  doc.setAuthor(parsed.centreName);
  doc.setLanguage("fr-FR");
  doc.setCreator(`${parsed.centreName} – @nexus/report`);
  doc.setProducer("pdf-lib");
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  await compressContentStreams(doc);
  const bytes = await doc.save({ objectsPerTick: Number.POSITIVE_INFINITY });
  checkReportSize(bytes, 2 * 1024 * 1024);
  return bytes;
}
