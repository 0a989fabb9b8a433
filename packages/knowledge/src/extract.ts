// Text per page: the PDF's own text layer when it has one, OCR otherwise
// (scanned pages, images). Headings are kept as Markdown-style "#" markers
// derived from font sizes so the chunker can follow the document's structure.
import { createIsomorphicCanvasFactory, getDocumentProxy } from "unpdf";
import { KnowledgeError, throwIfAborted } from "./errors.ts";
import type { OcrPageResult, OcrPool } from "./ocr-pool.ts";
import { type ImageEncoding, type PagePlan, planOcrPages, type Rotation } from "./pdf-images.ts";
import type { AcceptedMime } from "./sniff.ts";

/**
 * How a page was read: its text layer, OCR of the page's own embedded image (a scan, at
 * the image's resolution; an uploaded image), or OCR of the page rendered through pdf.js
 * (mixed pages, undecodable images, broken text layers without an image).
 */
export type PageMethod = "text" | "ocr-image" | "ocr-render";

export interface ExtractedPage {
  /** 1-based page number. */
  page: number;
  text: string;
  source: "text" | "ocr";
  method?: PageMethod;
  /** OCR mean confidence 0–100 (OCR pages only). */
  confidence?: number;
  /** For `ocr-image` PDF pages: the embedded image's encoding, resolution and the turn applied. */
  encoding?: ImageEncoding;
  dpi?: number;
  rotation?: Rotation;
}

export type ExtractionStage = "extracting" | "ocr";
export type ProgressCallback<Stage extends string> = (
  stage: Stage,
  done: number,
  total: number,
) => void;

export interface ExtractOptions {
  ocrPool: OcrPool;
  /** Pages with fewer non-space characters than this (or a garbage text layer) are OCR'd. */
  minTextChars?: number;
  /** Rasterisation resolution for PDF pages OCR'd through pdf.js (mixed pages). */
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

/**
 * Is this text layer unusable (a copier's bad OCR layer, a font without a Unicode map)?
 * Too few letters among the visible characters, or too few word-like tokens.
 */
export function isGarbageText(text: string): boolean {
  const visible = text.replace(/\s+/g, "");
  if (visible.length === 0) return false;
  const letters = (visible.match(/\p{L}/gu) ?? []).length;
  if (letters / visible.length < 0.5) return true;
  const tokens = text.split(/\s+/).filter(Boolean);
  // A word: letters (apostrophes, hyphens inside) with a vowel, optional punctuation around.
  const wordLike = tokens.filter(
    (token) =>
      /^[«(“"']?\p{L}[\p{L}'’-]*[.,;:!?»)”"]*$/u.test(token) &&
      /[aeiouyàâäéèêëîïôöùûüÿæœ]/iu.test(token),
  ).length;
  return tokens.length >= 5 && wordLike / tokens.length < 0.4;
}

/** Why a page is OCR'd: its text layer is (nearly) empty, or garbage. */
export function ocrReason(text: string, minTextChars: number): "empty" | "garbage" | null {
  if (countNonSpace(text) < minTextChars) return "empty";
  return isGarbageText(text) ? "garbage" : null;
}

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>;

/** Renders a page through pdf.js on a white background and returns it as a grayscale PGM. */
export async function renderPageForOcr(
  pdf: PdfProxy,
  pageNumber: number,
  dpi: number,
): Promise<Uint8Array> {
  const CanvasFactory = await createIsomorphicCanvasFactory(() => import("@napi-rs/canvas"));
  const page = await pdf.getPage(pageNumber);
  // The page's /Rotate is applied by the viewport: the rendering is upright.
  const viewport = page.getViewport({ scale: dpi / 72 });
  const factory = new CanvasFactory();
  const drawing = factory.create(Math.round(viewport.width), Math.round(viewport.height));
  try {
    const context = drawing.context as CanvasRenderingContext2D;
    // Tesseract reads transparent pixels as black (slow and noisy): paint on white.
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, drawing.canvas.width, drawing.canvas.height);
    await page.render({
      canvas: drawing.canvas as HTMLCanvasElement,
      canvasContext: context,
      viewport,
    }).promise;
    const { width, height } = drawing.canvas;
    const rgba = context.getImageData(0, 0, width, height).data;
    const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
    const out = new Uint8Array(header.length + width * height);
    out.set(header);
    for (let i = 0, j = header.length; i < rgba.length; i += 4, j++) {
      out[j] = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
    }
    return out;
  } finally {
    factory.destroy(drawing);
    page.cleanup();
  }
}

async function extractPdf(bytes: Uint8Array, options: ExtractOptions): Promise<ExtractedPage[]> {
  const minTextChars = options.minTextChars ?? DEFAULT_MIN_TEXT_CHARS;
  const dpi = options.dpi ?? DEFAULT_OCR_DPI;
  // pdf.js transfers (detaches) the buffer it is given: hand it a copy.
  let pdf: PdfProxy;
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
    const reasons = new Map<number, "empty" | "garbage">();
    for (let n = 1; n <= total; n++) {
      throwIfAborted(options.signal);
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const text = linesToText(toTextItems(content.items));
      pages.push({ page: n, text, source: "text", method: "text" });
      const reason = ocrReason(text, minTextChars);
      if (reason) reasons.set(n, reason);
      page.cleanup();
      options.onProgress?.("extracting", n, total);
    }
    if (reasons.size === 0) return pages;

    const needsOcr = [...reasons.keys()];
    const plans = await planOcrPages(bytes, needsOcr);
    options.onProgress?.("ocr", 0, needsOcr.length);
    await ocrPagesConcurrently(needsOcr, options, async (n, signal, owner) => {
      const existing = pages[n - 1]!;
      let plan: PagePlan = plans.get(n) ?? { kind: "render", reason: "no-image" };
      // A short but readable text layer over a full-page image: a mixed page, render it all.
      if (plan.kind === "image" && reasons.get(n) === "empty" && countNonSpace(existing.text) > 0) {
        plan = { kind: "render", reason: "mixed" };
      }
      const render = () =>
        renderPageForOcr(
          pdf,
          n,
          plan.kind === "render" && plan.reason === "undecodable" ? (plan.dpi ?? dpi) : dpi,
        );
      let result: OcrPageResult;
      if (plan.kind === "image") {
        try {
          result = await options.ocrPool.recognize(await plan.load(), { signal, owner });
        } catch (error) {
          // An image that cannot be inflated or read after all (odd JPEG, corrupt stream):
          // render the page instead. Cancels and timeouts still end the page.
          if (error instanceof KnowledgeError && error.code !== "ocr_failed") throw error;
          throwIfAborted(signal);
          plan = {
            kind: "render",
            reason: "undecodable",
            dpi: Math.min(300, Math.max(150, Math.round(plan.dpi))),
          };
          result = await options.ocrPool.recognize(await render(), { signal, owner });
        }
      } else {
        const image = await render();
        throwIfAborted(signal);
        result = await options.ocrPool.recognize(image, { signal, owner });
      }
      // Keep the text layer when OCR finds nothing better: fewer characters than a short
      // layer, or garbage again in place of a garbage layer.
      const better =
        reasons.get(n) === "garbage"
          ? countNonSpace(result.text) > 0 && !isGarbageText(result.text)
          : countNonSpace(result.text) >= countNonSpace(existing.text);
      if (!better) return;
      pages[n - 1] = {
        page: n,
        text: result.text,
        source: "ocr",
        method: plan.kind === "image" ? "ocr-image" : "ocr-render",
        confidence: result.confidence,
        ...(plan.kind === "image"
          ? { encoding: plan.encoding, dpi: Math.round(plan.dpi), rotation: plan.rotation }
          : {}),
      };
    });
    return pages;
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/**
 * Runs `ocr` on every page, several at once: as many as the pool has workers plus one being
 * prepared, so a long scan neither holds memory nor floods the pool (whose workers serve
 * documents in turn). On the first failure or on abort, the other pages are cancelled and
 * awaited: once this returns or throws, none of its pages is queued or being recognised.
 */
async function ocrPagesConcurrently(
  pageNumbers: readonly number[],
  options: ExtractOptions,
  ocr: (page: number, signal: AbortSignal, owner: object) => Promise<void>,
): Promise<void> {
  const owner = {};
  const inner = new AbortController();
  const onAbort = () => inner.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let cursor = 0;
  let done = 0;
  const lane = async () => {
    while (cursor < pageNumbers.length) {
      throwIfAborted(inner.signal);
      await ocr(pageNumbers[cursor++]!, inner.signal, owner);
      options.onProgress?.("ocr", ++done, pageNumbers.length);
    }
  };
  const width = Math.min(pageNumbers.length, Math.max(1, (options.ocrPool.size ?? 1) + 1));
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: width }, () =>
        lane().catch((error: unknown) => {
          inner.abort(error);
          throw error;
        }),
      ),
    );
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) {
      throwIfAborted(options.signal);
      throw failure.reason;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
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
  return [
    {
      page: 1,
      text: result.text,
      source: "ocr",
      method: "ocr-image",
      confidence: result.confidence,
    },
  ];
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
