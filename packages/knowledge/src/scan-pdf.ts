// Builds "scanned" PDFs the way scanners and copiers write them, for the extraction tests and
// the OCR benchmark: one image per page (JPEG, Flate with or without PNG predictors, 1-bit),
// turned pages (/Rotate, or the image drawn rotated), an invisible OCR text layer (good or
// garbage) over the scan, or visible text beside the image (a mixed page).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import fontkit from "@pdf-lib/fontkit";
import {
  concatTransformationMatrix,
  degrees,
  drawObject,
  PDFDocument,
  type PDFRef,
  popGraphicsState,
  pushGraphicsState,
  StandardFonts,
} from "pdf-lib";

export type ScanEncoding = "jpeg" | "png" | "flate-predictor" | "flate-1bit";

export interface ScanPageSpec {
  /** The upright page image (PNG bytes, e.g. from `renderTextPageImage`). */
  image: Uint8Array;
  encoding: ScanEncoding;
  /**
   * How the sheet went through the scanner: the raw image is stored turned by this many
   * degrees counter-clockwise, and the PDF turns it back, through the page's /Rotate
   * ("rotate") or the image's drawing matrix ("matrix").
   */
  turned?: { degrees: 90 | 180 | 270; by: "rotate" | "matrix" };
  /** Invisible text drawn over the image (a copier's OCR layer). */
  hiddenText?: string;
  /** Visible text drawn on the page beside the scan (a mixed page). */
  visibleText?: string;
}

async function pixels(png: Uint8Array, turnCcw: number) {
  const image = await loadImage(Buffer.from(png));
  const swap = turnCcw % 180 !== 0;
  const width = swap ? image.height : image.width;
  const height = swap ? image.width : image.height;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.translate(width / 2, height / 2);
  ctx.rotate((-turnCcw * Math.PI) / 180);
  ctx.drawImage(image, -image.width / 2, -image.height / 2);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]!;
  return { canvas, width, height, gray };
}

async function embedScan(pdf: PDFDocument, spec: ScanPageSpec, turnCcw: number) {
  const { canvas, width, height, gray } = await pixels(spec.image, turnCcw);
  if (spec.encoding === "jpeg") {
    const image = await pdf.embedJpg(new Uint8Array(await canvas.encode("jpeg", 85)));
    return { ref: image.ref, width, height };
  }
  if (spec.encoding === "png") {
    const image = await pdf.embedPng(new Uint8Array(await canvas.encode("png")));
    return { ref: image.ref, width, height };
  }
  let data: Uint8Array;
  const dict: Record<string, string | number | Record<string, number>> = {
    Type: "XObject",
    Subtype: "Image",
    Width: width,
    Height: height,
    ColorSpace: "DeviceGray",
    Filter: "FlateDecode",
  };
  if (spec.encoding === "flate-predictor") {
    // PNG "None" filter byte in front of each row, as scanners using Predictor 15 write.
    const rows = new Uint8Array((width + 1) * height);
    for (let y = 0; y < height; y++)
      rows.set(gray.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
    data = deflateSync(rows);
    dict.BitsPerComponent = 8;
    dict.DecodeParms = { Predictor: 15, Colors: 1, BitsPerComponent: 8, Columns: width };
  } else {
    const rowBytes = Math.ceil(width / 8);
    const bits = new Uint8Array(rowBytes * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // 1 = white, 0 = black (DeviceGray).
        if (gray[y * width + x]! > 160) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      }
    }
    data = deflateSync(bits);
    dict.BitsPerComponent = 1;
  }
  const stream = pdf.context.stream(data, dict);
  return { ref: pdf.context.register(stream), width, height };
}

const A4 = { width: 595.28, height: 841.89 };

/** A multi-page scanned PDF, one spec per page, deterministic bytes. */
export async function buildScannedPdf(pages: ScanPageSpec[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  // Visible text needs an embedded font: pdf.js renders the standard 14 only with their data.
  pdf.registerFontkit(fontkit);
  const dejavu = await pdf.embedFont(
    readFileSync(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    { subset: true },
  );
  for (const spec of pages) {
    const turn = spec.turned?.degrees ?? 0;
    const byRotate = spec.turned?.by === "rotate" && turn % 180 !== 0;
    // /Rotate turns the whole page: its unrotated box is landscape for a quarter turn.
    const box = byRotate ? { width: A4.height, height: A4.width } : A4;
    const page = pdf.addPage([box.width, box.height]);
    const { ref } = await embedScan(pdf, spec, turn);
    const name = page.node.newXObject("Scan", ref as PDFRef);
    let matrix: [number, number, number, number, number, number];
    if (spec.turned?.by === "rotate") {
      page.setRotation(degrees(turn));
      matrix = [box.width, 0, 0, box.height, 0, 0];
    } else if (turn === 90) {
      // The raw image is turned counter-clockwise: draw it turned clockwise.
      matrix = [0, -box.height, box.width, 0, 0, box.height];
    } else if (turn === 180) {
      matrix = [-box.width, 0, 0, -box.height, box.width, box.height];
    } else if (turn === 270) {
      matrix = [0, box.height, -box.width, 0, box.width, 0];
    } else {
      matrix = [box.width, 0, 0, box.height, 0, 0];
    }
    page.pushOperators(
      pushGraphicsState(),
      concatTransformationMatrix(...matrix),
      drawObject(name),
      popGraphicsState(),
    );
    if (spec.hiddenText) {
      page.drawText(spec.hiddenText, {
        x: 40,
        y: box.height - 60,
        size: 9,
        font,
        opacity: 0,
        maxWidth: box.width - 80,
        lineHeight: 11,
      });
    }
    if (spec.visibleText) {
      page.drawText(spec.visibleText, { x: 64, y: box.height / 2, size: 14, font: dejavu });
    }
  }
  return pdf.save({ useObjectStreams: true });
}
