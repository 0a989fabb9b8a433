// Text per page: the PDF's own text layer when it has one, OCR otherwise
// (scanned pages, images). Headings are kept as Markdown-style "#" markers
// derived from font sizes so the chunker can follow the document's structure.
import { getDocumentProxy, renderPageAsImage } from "unpdf";
import { KnowledgeError, throwIfAborted } from "./errors.ts";
import type { OcrPool } from "./ocr-pool.ts";
import type { AcceptedMime } from "./sniff.ts";

export interface ExtractedPage {
  /** 1-based page number. */
  page: number;
  text: string;
  source: "text" | "ocr";
  /** OCR mean confidence 0–100 (OCR pages only). */
  confidence?: number;
}

export type ExtractionStage = "extracting" | "ocr";
export type ProgressCallback<Stage extends string> = (
  stage: Stage,
  done: number,
  total: number,
) => void;

export interface ExtractOptions {
  ocrPool: OcrPool;
  /** Pages with fewer non-space characters than this are OCR'd. */
  minTextChars?: number;
  /** Rasterisation resolution for OCR'd PDF pages. */
  dpi?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback<ExtractionStage>;
}

export const DEFAULT_MIN_TEXT_CHARS = 30;
export const DEFAULT_OCR_DPI = 300;

interface TextItemLike {
  str: string;
  hasEOL: boolean;
  transform: number[];
  height: number;
}

function toTextItems(items: readonly unknown[]): TextItemLike[] {
  return items.filter(
    (item): item is TextItemLike =>
      typeof item === "object" && item !== null && "str" in item && "transform" in item,
  );
}

export function countNonSpace(text: string): number {
  return text.replace(/\s+/g, "").length;
}

interface Line {
  text: string;
  y: number;
  size: number;
}

/**
 * Running headers and footers are often drawn last in the content stream: move
 * the lines lying above (below) all the others to the start (end) of the page,
 * so cleaning finds them at the page edges. Other lines keep stream order.
 */
function moveEdgeLinesToEdges(lines: Line[]): Line[] {
  if (lines.length < 3) return lines;
  const ys = lines.map((line) => line.y);
  const top = lines.filter((line, i) => i > 0 && line.y > Math.max(...ys.slice(0, i)));
  const rest = lines.filter((line) => !top.includes(line));
  const restYs = rest.map((line) => line.y);
  const bottom = rest.filter(
    (line, i) => i < rest.length - 1 && line.y < Math.min(...restYs.slice(i + 1)),
  );
  return [...top, ...rest.filter((line) => !bottom.includes(line)), ...bottom];
}

/** Rebuilds lines from pdf.js items, then paragraphs (vertical gaps) and headings (font size). */
export function linesToText(items: readonly TextItemLike[]): string {
  const lines: Line[] = [];
  let current: Line | null = null;
  for (const item of items) {
    const size = Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0) || item.height;
    const y = item.transform[5] ?? 0;
    // pdf.js emits empty end-of-line markers positioned on the next line: skip their position.
    if (!current && item.str === "" && item.hasEOL) continue;
    if (!current) current = { text: "", y, size: 0 };
    current.text += item.str;
    if (item.str.trim()) current.size = Math.max(current.size, size);
    if (item.hasEOL) {
      lines.push(current);
      current = null;
    }
  }
  if (current) lines.push(current);
  const textLines = moveEdgeLinesToEdges(lines.filter((line) => line.text.trim()));
  if (textLines.length === 0) return "";

  // Body size = the most common size weighted by characters.
  const weights = new Map<number, number>();
  for (const line of textLines) {
    const key = Math.round(line.size * 2) / 2;
    weights.set(key, (weights.get(key) ?? 0) + line.text.length);
  }
  const bodySize = [...weights.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const headingMarker = (line: Line) => {
    if (bodySize <= 0 || line.text.trim().length > 120) return "";
    if (line.size >= bodySize * 1.6) return "# ";
    if (line.size >= bodySize * 1.3) return "## ";
    if (line.size >= bodySize * 1.1) return "### ";
    return "";
  };

  const out: string[] = [];
  let previous: Line | null = null;
  let previousMarker = "";
  for (const line of textLines) {
    const text = line.text.trim();
    const marker = headingMarker(line);
    if (previous) {
      const gap = previous.y - line.y;
      const lineHeight = Math.max(previous.size, line.size);
      // A heading wrapped on two lines stays one heading.
      if (marker && marker === previousMarker && gap > 0 && gap <= lineHeight * 1.5) {
        out.push(` ${text}`);
        previous = line;
        continue;
      }
      // Paragraph break: a gap clearly larger than one line, or a jump (new column, edge line).
      out.push(gap > lineHeight * 1.75 || gap < 0 || marker || previousMarker ? "\n\n" : "\n");
    }
    out.push(`${marker}${text}`);
    previous = line;
    previousMarker = marker;
  }
  return out.join("");
}

async function extractPdf(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedPage[]> {
  const minTextChars = options.minTextChars ?? DEFAULT_MIN_TEXT_CHARS;
  const dpi = options.dpi ?? DEFAULT_OCR_DPI;
  // pdf.js transfers (detaches) the buffer it is given: hand it a copy.
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes));
  } catch (error) {
    throw new KnowledgeError(
      "unsupported_type",
      "Le fichier PDF est illisible ou endommagé : impossible d’en lire les pages.",
      { cause: error },
    );
  }
  try {
    const total = pdf.numPages;
    const pages: ExtractedPage[] = [];
    const needsOcr: number[] = [];
    for (let n = 1; n <= total; n++) {
      throwIfAborted(options.signal);
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const text = linesToText(toTextItems(content.items));
      pages.push({ page: n, text, source: "text" });
      if (countNonSpace(text) < minTextChars) needsOcr.push(n);
      page.cleanup();
      options.onProgress?.("extracting", n, total);
    }
    let done = 0;
    if (needsOcr.length > 0) options.onProgress?.("ocr", 0, needsOcr.length);
    for (const n of needsOcr) {
      throwIfAborted(options.signal);
      const png = await renderPageAsImage(pdf, n, {
        canvasImport: () => import("@napi-rs/canvas"),
        scale: dpi / 72,
      });
      const result = await options.ocrPool.recognize(await flattenOnWhite(new Uint8Array(png)), {
        signal: options.signal,
      });
      const existing = pages[n - 1]!;
      // Keep the (short) text layer when OCR finds nothing better.
      if (countNonSpace(result.text) >= countNonSpace(existing.text)) {
        pages[n - 1] = { page: n, text: result.text, source: "ocr", confidence: result.confidence };
      }
      options.onProgress?.("ocr", ++done, needsOcr.length);
    }
    return pages;
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/**
 * pdf.js renders pages on a transparent canvas; Tesseract reads transparent
 * pixels as black, which slows it down badly and adds noise. Paint on white.
 */
async function flattenOnWhite(png: Uint8Array): Promise<Uint8Array> {
  const { createCanvas, loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, image.width, image.height);
  ctx.drawImage(image, 0, 0);
  return new Uint8Array(await canvas.encode("png"));
}

/** Tesseract reads PNG and JPEG natively; WebP goes through a PNG re-encode for safety. */
async function toOcrImage(bytes: Uint8Array, mime: AcceptedMime): Promise<Uint8Array> {
  if (mime !== "image/webp") return bytes;
  const { createCanvas, loadImage } = await import("@napi-rs/canvas");
  const image = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext("2d").drawImage(image, 0, 0);
  return new Uint8Array(await canvas.encode("png"));
}

async function extractImage(
  bytes: Uint8Array,
  mime: AcceptedMime,
  options: ExtractOptions,
): Promise<ExtractedPage[]> {
  options.onProgress?.("extracting", 1, 1);
  options.onProgress?.("ocr", 0, 1);
  throwIfAborted(options.signal);
  const image = await toOcrImage(bytes, mime);
  const result = await options.ocrPool.recognize(image, { signal: options.signal });
  options.onProgress?.("ocr", 1, 1);
  return [{ page: 1, text: result.text, source: "ocr", confidence: result.confidence }];
}

/** Extracts the text of every page (1-based, in order). */
export async function extractPages(
  bytes: Uint8Array,
  mime: AcceptedMime,
  options: ExtractOptions,
): Promise<ExtractedPage[]> {
  throwIfAborted(options.signal);
  if (mime === "application/pdf") return extractPdf(bytes, options);
  return extractImage(bytes, mime, options);
}
