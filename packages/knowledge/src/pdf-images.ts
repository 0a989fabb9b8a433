// Finds the scanned pages of a PDF — one image covering the page — and hands their image to
// OCR at its own resolution, without rasterising the page: JPEG (DCTDecode) as is, Flate with
// PNG predictors wrapped as a PNG (no decompression), other Flate images as PNM after
// inflating. Other encodings (CCITT, JBIG2, JPX) are rendered by pdf.js at the scan's own
// resolution. The page's /Rotate and the image's own orientation become
// an EXIF-style orientation that tesseract.js applies inside its worker (no pixel work on the
// main thread). Anything else (mixed pages, masks, exotic colour spaces or filters) is
// rendered through pdf.js by the caller.
import { promisify } from "node:util";
import { crc32, inflate } from "node:zlib";
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  type PDFObject,
  PDFRawStream,
  PDFStream,
} from "pdf-lib";
import {
  type ContentEvent,
  IDENTITY,
  type Matrix,
  multiply,
  scanContentStream,
} from "./content-stream.ts";

const inflateAsync = promisify(inflate);

/** Clockwise rotation that makes the raw image upright. */
export type Rotation = 0 | 90 | 180 | 270;

export type ImageEncoding = "jpeg" | "flate-png" | "flate-pnm";

export type PagePlan =
  | {
      kind: "image";
      encoding: ImageEncoding;
      widthPx: number;
      heightPx: number;
      /** Resolution of the image as drawn on the page. */
      dpi: number;
      rotation: Rotation;
      /** OCR-ready bytes (built on demand: inflating happens off the main thread). */
      load(): Promise<Uint8Array>;
    }
  | {
      kind: "render";
      /** Why the page is rasterised rather than its image read. */
      reason: "mixed" | "no-image" | "undecodable";
      /** Resolution to render at (the image's own, clamped, for an undecodable scan). */
      dpi?: number;
    };

/** Share of the page (crop box) an image must cover to count as a scan of it. */
export const SCAN_COVERAGE = 0.85;

interface ImageDraw {
  stream: PDFRawStream;
  ctm: Matrix;
}

interface PageContent {
  images: ImageDraw[];
  textOps: number;
  /** Paths painted after the first image (a background drawn before a scan is harmless). */
  paintsOverImage: number;
  inlineImages: number;
}

function name(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

function num(obj: PDFObject | undefined): number | undefined {
  return obj instanceof PDFNumber ? obj.asNumber() : undefined;
}

function streamBytes(stream: PDFObject | undefined): Uint8Array {
  if (stream instanceof PDFRawStream) return decodePDFRawStream(stream).decode();
  if (stream instanceof PDFStream) return stream.getContents();
  return new Uint8Array();
}

function collect(
  dict: PDFDict,
  contents: Uint8Array,
  resources: PDFDict | undefined,
  ctm: Matrix,
  out: PageContent,
  depth: number,
): void {
  const xobjects = resources?.lookup(PDFName.of("XObject"));
  const events: ContentEvent[] = scanContentStream(contents, ctm);
  for (const event of events) {
    if (event.op === "text") out.textOps++;
    else if (event.op === "paint") {
      if (out.images.length > 0) out.paintsOverImage++;
    } else if (event.op === "inlineImage") out.inlineImages++;
    else if (xobjects instanceof PDFDict) {
      const target = xobjects.lookup(PDFName.of(event.name));
      if (!(target instanceof PDFRawStream)) continue;
      const subtype = name(target.dict.lookup(PDFName.of("Subtype")));
      if (subtype === "Image") out.images.push({ stream: target, ctm: event.ctm });
      else if (subtype === "Form" && depth < 4) {
        const matrix = target.dict.lookup(PDFName.of("Matrix"));
        const m =
          matrix instanceof PDFArray && matrix.size() === 6
            ? (matrix.asArray().map((v) => num(v) ?? 0) as Matrix)
            : IDENTITY;
        const formResources = target.dict.lookup(PDFName.of("Resources"));
        collect(
          dict,
          streamBytes(target),
          formResources instanceof PDFDict ? formResources : resources,
          multiply(m, event.ctm),
          out,
          depth + 1,
        );
      }
    }
  }
}

function pageContent(page: ReturnType<PDFDocument["getPage"]>): PageContent {
  const out: PageContent = { images: [], textOps: 0, paintsOverImage: 0, inlineImages: 0 };
  const contents = page.node.Contents();
  const parts =
    contents instanceof PDFArray
      ? contents.asArray().map((ref) => page.doc.context.lookup(ref))
      : [contents];
  const chunks = parts.map((part) => streamBytes(part as PDFObject | undefined));
  const joined = new Uint8Array(chunks.reduce((sum, c) => sum + c.length + 1, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    joined[offset + chunk.length] = 0x0a;
    offset += chunk.length + 1;
  }
  collect(page.node, joined, page.node.Resources(), IDENTITY, out, 0);
  return out;
}

/** Components of an image colour space, or undefined when it is not plain gray/RGB. */
function components(space: PDFObject | undefined): number | undefined {
  const simple = name(space);
  if (simple === "DeviceGray" || simple === "CalGray" || simple === "G") return 1;
  if (simple === "DeviceRGB" || simple === "CalRGB" || simple === "RGB") return 3;
  if (space instanceof PDFArray) {
    const family = name(space.lookup(0));
    if (family === "CalGray") return 1;
    if (family === "CalRGB") return 3;
    if (family === "ICCBased") {
      const profile = space.lookup(1);
      const n = profile instanceof PDFRawStream ? num(profile.dict.lookup(PDFName.of("N"))) : 0;
      return n === 1 || n === 3 ? n : undefined;
    }
  }
  return undefined;
}

function asList(obj: PDFObject | undefined): (PDFObject | undefined)[] {
  if (obj === undefined) return [];
  return obj instanceof PDFArray ? obj.asArray() : [obj];
}

/** EXIF orientation values understood by tesseract.js: the clockwise turn to apply. */
const EXIF: Record<Rotation, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };

/**
 * The orientation bytes tesseract.js looks for in an image's first 500 bytes (a big-endian
 * EXIF/TIFF Orientation entry: tag 0x0112, SHORT, count 1, value).
 */
export function orientationEntry(rotation: Rotation): Uint8Array {
  return new Uint8Array([1, 18, 0, 3, 0, 0, 0, 1, 0, EXIF[rotation]]);
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typeBytes = new TextEncoder().encode(type);
  return concat([u32(data.length), typeBytes, data, u32(crc32(concat([typeBytes, data])) >>> 0)]);
}

/** A PNG around a zlib stream already made of predicted rows (PDF Flate with Predictor ≥ 10). */
export function wrapPng(
  zlibRows: Uint8Array,
  width: number,
  height: number,
  bitDepth: number,
  channels: 1 | 3,
  rotation: Rotation,
): Uint8Array {
  const header = concat([
    u32(width),
    u32(height),
    new Uint8Array([bitDepth, channels === 1 ? 0 : 2, 0, 0, 0]),
  ]);
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    // A private ancillary chunk (ignored by decoders) carrying the orientation for tesseract.js.
    pngChunk("nxOr", orientationEntry(rotation)),
    pngChunk("IDAT", zlibRows),
    pngChunk("IEND", new Uint8Array()),
  ]);
}

/** PNM (P4/P5/P6) from raw PDF samples; 2- and 4-bit gray are widened to 8 bits. */
export function toPnm(
  samples: Uint8Array,
  width: number,
  height: number,
  bitDepth: number,
  channels: 1 | 3,
  rotation: Rotation,
): Uint8Array {
  const head = (magic: string, max?: number) =>
    concat([
      new TextEncoder().encode(`${magic}\n# `),
      orientationEntry(rotation),
      new TextEncoder().encode(`\n${width} ${height}\n${max === undefined ? "" : `${max}\n`}`),
    ]);
  if (channels === 1 && bitDepth === 1) {
    // PDF: 0 is black; PBM: 1 is black.
    const rowBytes = Math.ceil(width / 8);
    const body = samples.subarray(0, rowBytes * height).map((b) => ~b & 255);
    return concat([head("P4"), body]);
  }
  const max = bitDepth === 16 ? 65535 : 255;
  if (bitDepth === 8 || bitDepth === 16) {
    const size = width * height * channels * (bitDepth / 8);
    return concat([head(channels === 1 ? "P5" : "P6", max), samples.subarray(0, size)]);
  }
  // 2 or 4 bits per sample, gray: widen.
  const rowBytes = Math.ceil((width * bitDepth) / 8);
  const perByte = 8 / bitDepth;
  const scale = 255 / (2 ** bitDepth - 1);
  const body = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = samples[y * rowBytes + Math.floor(x / perByte)] ?? 0;
      const shift = 8 - bitDepth * ((x % perByte) + 1);
      body[y * width + x] = Math.round(((byte >> shift) & (2 ** bitDepth - 1)) * scale);
    }
  }
  return concat([head("P5", 255), body]);
}

/** A JPEG with an APP1/EXIF segment in front carrying only the orientation. */
export function jpegWithOrientation(jpeg: Uint8Array, rotation: Rotation): Uint8Array {
  const tiff = concat([
    new Uint8Array([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1]),
    orientationEntry(rotation),
    new Uint8Array([0, 0, 0, 0, 0, 0]),
  ]);
  const payload = concat([new TextEncoder().encode("Exif\0\0"), tiff]);
  const length = payload.length + 2;
  return concat([
    jpeg.subarray(0, 2),
    new Uint8Array([0xff, 0xe1, length >> 8, length & 255]),
    payload,
    jpeg.subarray(2),
  ]);
}

/** Clockwise turn of a drawn image as the reader sees it, or null for a skew or a mirror. */
export function drawnRotation(ctm: Matrix, pageRotate: number): Rotation | null {
  const [a, b, c, d] = ctm;
  if (a * d - b * c <= 0 || pageRotate % 90 !== 0) return null;
  const angle = (Math.atan2(b, a) * 180) / Math.PI;
  const quarter = Math.round(angle / 90) * 90;
  if (Math.abs(angle - quarter) > 0.5) return null;
  return ((((pageRotate - quarter) % 360) + 360) % 360) as Rotation;
}

function coverage(ctm: Matrix, box: { x: number; y: number; width: number; height: number }) {
  const [a, b, c, d, e, f] = ctm;
  const xs = [e, a + e, c + e, a + c + e];
  const ys = [f, b + f, d + f, b + d + f];
  const w = Math.min(Math.max(...xs), box.x + box.width) - Math.max(Math.min(...xs), box.x);
  const h = Math.min(Math.max(...ys), box.y + box.height) - Math.max(Math.min(...ys), box.y);
  return w > 0 && h > 0 ? (w * h) / (box.width * box.height) : 0;
}

function planImage(draw: ImageDraw, pageRotate: number): PagePlan {
  const dict = draw.stream.dict;
  const width = num(dict.lookup(PDFName.of("Width"))) ?? 0;
  const height = num(dict.lookup(PDFName.of("Height"))) ?? 0;
  const [a, b] = draw.ctm;
  const dpi = width / (Math.hypot(a, b) / 72);
  const undecodable: PagePlan = {
    kind: "render",
    reason: "undecodable",
    dpi: Math.min(300, Math.max(150, Math.round(dpi))),
  };
  const rotation = drawnRotation(draw.ctm, pageRotate);
  const filters = asList(dict.lookup(PDFName.of("Filter"))).map(name);
  const parms = asList(dict.lookup(PDFName.of("DecodeParms")))[0];
  const parm = (key: string) =>
    parms instanceof PDFDict ? parms.lookup(PDFName.of(key)) : undefined;
  const bits = num(dict.lookup(PDFName.of("BitsPerComponent")));
  const mask = dict.lookup(PDFName.of("ImageMask"));
  if (
    rotation === null ||
    width <= 0 ||
    height <= 0 ||
    filters.length !== 1 ||
    (mask instanceof PDFBool && mask.asBoolean()) ||
    dict.lookup(PDFName.of("SMask")) !== undefined ||
    dict.lookup(PDFName.of("Mask")) !== undefined ||
    dict.lookup(PDFName.of("Decode")) !== undefined
  ) {
    return undecodable;
  }
  const raw = draw.stream.contents;
  const base = { kind: "image" as const, widthPx: width, heightPx: height, dpi, rotation };
  const filter = filters[0];

  // CCITT fax images (and JBIG2, JPX…) go through pdf.js, rendered at the scan's own
  // resolution: tesseract.js reads TIFF, but no G3/G4 sample was at hand to test a wrapper.
  const channels = components(dict.lookup(PDFName.of("ColorSpace")));
  if (channels === undefined) return undecodable;
  if (filter === "DCTDecode") {
    if (bits !== 8) return undecodable;
    return { ...base, encoding: "jpeg", load: async () => jpegWithOrientation(raw, rotation) };
  }
  if (filter !== "FlateDecode" || bits === undefined) return undecodable;
  const supported = channels === 1 ? [1, 2, 4, 8, 16].includes(bits) : [8, 16].includes(bits);
  if (!supported) return undecodable;
  const predictor = num(parm("Predictor")) ?? 1;
  if (predictor >= 10) {
    const colors = num(parm("Colors")) ?? 1;
    const bpc = num(parm("BitsPerComponent")) ?? 8;
    const cols = num(parm("Columns")) ?? 1;
    if (colors !== channels || bpc !== bits || cols !== width) return undecodable;
    return {
      ...base,
      encoding: "flate-png",
      load: async () => wrapPng(raw, width, height, bits, channels as 1 | 3, rotation),
    };
  }
  if (predictor !== 1) return undecodable;
  return {
    ...base,
    encoding: "flate-pnm",
    load: async () =>
      toPnm(
        new Uint8Array(await inflateAsync(raw)),
        width,
        height,
        bits,
        channels as 1 | 3,
        rotation,
      ),
  };
}

/** How each listed page (1-based) should be OCR'd. */
export async function planOcrPages(
  bytes: Uint8Array,
  pageNumbers: readonly number[],
): Promise<Map<number, PagePlan>> {
  const plans = new Map<number, PagePlan>();
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      updateMetadata: false,
      throwOnInvalidObject: false,
      // Objects parsed per event-loop turn: other jobs keep running while a big scan loads.
      parseSpeed: 50,
    });
  } catch {
    for (const n of pageNumbers) plans.set(n, { kind: "render", reason: "no-image" });
    return plans;
  }
  // Encrypted streams would reach tesseract still encrypted: let pdf.js decrypt and render.
  const encrypted = pdf.isEncrypted;
  const pages = pdf.getPages();
  for (const n of pageNumbers) {
    const page = pages[n - 1];
    let plan: PagePlan = { kind: "render", reason: "no-image" };
    try {
      if (page && !encrypted) {
        const content = pageContent(page);
        const box = page.getCropBox();
        const rotate = page.getRotation().angle;
        const [only] = content.images;
        if (content.images.length === 0 && content.inlineImages === 0) {
          plan = { kind: "render", reason: "no-image" };
        } else if (
          content.images.length === 1 &&
          content.inlineImages === 0 &&
          content.paintsOverImage === 0 &&
          only &&
          coverage(only.ctm, box) >= SCAN_COVERAGE
        ) {
          plan = planImage(only, rotate);
        } else {
          plan = { kind: "render", reason: "mixed" };
        }
      }
    } catch {
      plan = { kind: "render", reason: "no-image" };
    }
    plans.set(n, plan);
  }
  return plans;
}
