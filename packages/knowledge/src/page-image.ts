// Renders text as a "scanned" page image (PNG) with @napi-rs/canvas: used for
// the starter knowledge base's scanned sheet, OCR tests and the OCR benchmark.
// Deterministic: the paper noise comes from a seeded PRNG.
import { createRequire } from "node:module";
import { createCanvas, GlobalFonts, type SKRSContext2D } from "@napi-rs/canvas";

const require = createRequire(import.meta.url);
const FONT_FAMILY = "Nexus DejaVu Serif";
let fontRegistered = false;

function ensureFont(): void {
  if (fontRegistered) return;
  GlobalFonts.registerFromPath(
    require.resolve("dejavu-fonts-ttf/ttf/DejaVuSerif.ttf"),
    FONT_FAMILY,
  );
  fontRegistered = true;
}

export interface PageImageOptions {
  /** Resolution; the page is A4 (8.27 × 11.69 in). */
  dpi?: number;
  /** Font size in points. */
  fontSizePt?: number;
  /** Rotation of the whole sheet, in degrees (a slightly skewed scan). */
  rotationDeg?: number;
  /** Share of pixels turned into grey specks (0–1). */
  noise?: number;
  seed?: number;
  /** Crop the image height to the text (faster OCR for tests). */
  cropToText?: boolean;
}

/** Mulberry32: small deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wrap(ctx: SKRSContext2D, paragraph: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of paragraph.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(candidate).width > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays out paragraphs (separated by blank lines) on an A4 page and returns PNG bytes. */
export function renderTextPageImage(text: string, options: PageImageOptions = {}): Uint8Array {
  ensureFont();
  const dpi = options.dpi ?? 300;
  const fontPx = ((options.fontSizePt ?? 12) * dpi) / 72;
  const width = Math.round(8.27 * dpi);
  const fullHeight = Math.round(11.69 * dpi);
  const margin = Math.round(0.9 * dpi);
  const lineHeight = fontPx * 1.45;

  const measure = createCanvas(10, 10).getContext("2d");
  measure.font = `${fontPx}px "${FONT_FAMILY}"`;
  const lines: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (lines.length > 0) lines.push("");
    lines.push(...wrap(measure, paragraph, width - 2 * margin));
  }
  const textHeight = lines.length * lineHeight;
  const height = options.cropToText ? Math.round(textHeight + 2 * margin) : fullHeight;
  if (!options.cropToText && textHeight > fullHeight - 2 * margin) {
    throw new RangeError("text does not fit on one A4 page");
  }

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fbfaf6";
  ctx.fillRect(0, 0, width, height);
  ctx.save();
  ctx.translate(width / 2, height / 2);
  ctx.rotate(((options.rotationDeg ?? 0) * Math.PI) / 180);
  ctx.translate(-width / 2, -height / 2);
  ctx.fillStyle = "#1d1d1f";
  ctx.font = `${fontPx}px "${FONT_FAMILY}"`;
  ctx.textBaseline = "alphabetic";
  lines.forEach((line, i) => {
    if (line) ctx.fillText(line, margin, margin + fontPx + i * lineHeight);
  });
  ctx.restore();

  const noise = options.noise ?? 0;
  if (noise > 0) {
    const random = prng(options.seed ?? 1);
    const specks = Math.round(width * height * noise);
    for (let i = 0; i < specks; i++) {
      const shade = Math.round(120 + random() * 100);
      ctx.fillStyle = `rgb(${shade},${shade},${shade})`;
      ctx.fillRect(
        Math.floor(random() * width),
        Math.floor(random() * height),
        1 + Math.floor(random() * 2),
        1,
      );
    }
  }
  return new Uint8Array(canvas.toBuffer("image/png"));
}
