// Renders simple Markdown pages (headings, paragraphs, bullet lists) and page
// images into a PDF with pdf-lib and the DejaVu fonts: the starter knowledge
// base ships real PDFs this way, and tests build text, scanned and mixed PDFs.
// Deterministic output (no dates, fixed layout).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";

const require = createRequire(import.meta.url);

export type PdfPageSpec =
  /** A page of Markdown text (one page only: overflowing throws, so page numbers stay stable). */
  | { kind: "markdown"; markdown: string }
  /** A full-page image (a scan): PNG or JPEG bytes. */
  | { kind: "image"; bytes: Uint8Array; format: "png" | "jpeg" };

export interface PdfRenderOptions {
  title: string;
  /** Running header text, repeated on every page. */
  header?: string;
  /** Footer with "page n/N" on every page. */
  footer?: boolean;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const BODY = { size: 11, leading: 15, after: 7 };
const HEADINGS: Record<number, { size: number; before: number; after: number }> = {
  1: { size: 20, before: 0, after: 10 },
  2: { size: 15, before: 10, after: 6 },
  3: { size: 12.5, before: 8, after: 4 },
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

function fontBytes(name: string): Uint8Array {
  return readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));
}

function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "item"; text: string };

/** Minimal Markdown: "#"/"##"/"###" headings, "- " items, paragraphs. */
export function parseMarkdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    if (!line) flush();
    else if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1]!.length, text: heading[2]!.trim() });
    } else if (/^[-*]\s+/.test(line)) {
      flush();
      blocks.push({ kind: "item", text: line.replace(/^[-*]\s+/, "") });
    } else if (raw.startsWith("  ") && blocks.at(-1)?.kind === "item" && paragraph.length === 0) {
      (blocks.at(-1) as { text: string }).text += ` ${line}`;
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return blocks;
}

function drawMarkdownPage(page: PDFPage, markdown: string, fonts: Fonts, label: string): void {
  const maxWidth = A4.width - 2 * MARGIN;
  let y = A4.height - MARGIN - 14;
  const ensureRoom = (needed: number) => {
    if (y - needed < MARGIN + 20) {
      throw new RangeError(`Markdown page of "${label}" does not fit on one A4 page`);
    }
  };
  const color = rgb(0.1, 0.1, 0.12);
  parseMarkdownBlocks(markdown).forEach((block, index) => {
    if (block.kind === "heading") {
      const style = HEADINGS[block.level]!;
      if (index > 0) y -= style.before;
      for (const line of wrapText(block.text, fonts.bold, style.size, maxWidth)) {
        ensureRoom(style.size * 1.3);
        y -= style.size * 1.3;
        page.drawText(line, { x: MARGIN, y, size: style.size, font: fonts.bold, color });
      }
      y -= style.after;
      return;
    }
    const indent = block.kind === "item" ? 16 : 0;
    const lines = wrapText(block.text, fonts.regular, BODY.size, maxWidth - indent);
    lines.forEach((line, i) => {
      ensureRoom(BODY.leading);
      y -= BODY.leading;
      if (block.kind === "item" && i === 0) {
        page.drawText("•", { x: MARGIN + 4, y, size: BODY.size, font: fonts.regular, color });
      }
      page.drawText(line, { x: MARGIN + indent, y, size: BODY.size, font: fonts.regular, color });
    });
    y -= block.kind === "item" ? 2 : BODY.after;
  });
}

export async function renderPdf(
  pages: PdfPageSpec[],
  options: PdfRenderOptions,
): Promise<Uint8Array> {
  // No creation/modification dates: the same input gives the same bytes (and SHA-256).
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(fontkit);
  pdf.setTitle(options.title);
  pdf.setProducer("Nexus Réussite");
  pdf.setCreator("Nexus Réussite");
  const fonts: Fonts = {
    regular: await pdf.embedFont(fontBytes("DejaVuSans.ttf"), { subset: true }),
    bold: await pdf.embedFont(fontBytes("DejaVuSans-Bold.ttf"), { subset: true }),
  };
  const small = { size: 8, font: fonts.regular, color: rgb(0.45, 0.45, 0.5) };
  for (const [index, spec] of pages.entries()) {
    const page = pdf.addPage([A4.width, A4.height]);
    if (spec.kind === "markdown") {
      drawMarkdownPage(page, spec.markdown, fonts, options.title);
    } else {
      const image =
        spec.format === "png" ? await pdf.embedPng(spec.bytes) : await pdf.embedJpg(spec.bytes);
      page.drawImage(image, { x: 0, y: 0, width: A4.width, height: A4.height });
    }
    // A scan carries no text layer: no running header/footer on image pages.
    if (spec.kind === "image") continue;
    if (options.header) {
      page.drawText(options.header, { x: MARGIN, y: A4.height - 32, ...small });
    }
    if (options.footer) {
      page.drawText(`${options.title} — page ${index + 1}/${pages.length}`, {
        x: MARGIN,
        y: 28,
        ...small,
      });
    }
  }
  return pdf.save({ useObjectStreams: true });
}
