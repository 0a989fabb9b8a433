// Renders laid-out pages with pdf-lib: one PDF page per LaidOutPage, y axis
// flipped from the layout's top-down coordinates to PDF's bottom-up ones.
// Emits PDF operators directly (public pdf-lib API) rather than calling
// page.drawText per line, which registers a new font resource on every call:
// each page gets its fonts once, its shapes, then all its text in one text
// object (the layout never draws a shape over text, so the order is kept).
import {
  beginText,
  endText,
  fill,
  lineTo,
  moveTo,
  type PDFDocument,
  type PDFFont,
  type PDFName,
  type PDFOperator,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setFontAndSize,
  setLineWidth,
  setStrokingRgbColor,
  setTextMatrix,
  showText,
  stroke,
} from "pdf-lib";
import type { LaidOutPage } from "./paginate";
import type { Color, FontKey, PageGeometry } from "./types";

const sameColor = (a: Color | null, b: Color) =>
  a !== null && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

export function drawPages(
  doc: PDFDocument,
  fonts: Record<FontKey, PDFFont>,
  pages: readonly LaidOutPage[],
  geometry: Pick<PageGeometry, "width" | "height">,
): void {
  const flip = (y: number) => geometry.height - y;
  for (const laidOut of pages) {
    const page = doc.addPage([geometry.width, geometry.height]);
    const fontKeys: Record<FontKey, PDFName> = {
      regular: page.node.newFontDictionary(fonts.regular.name, fonts.regular.ref),
      bold: page.node.newFontDictionary(fonts.bold.name, fonts.bold.ref),
    };
    const ops: PDFOperator[] = [];

    for (const cmd of laidOut.commands) {
      if (cmd.kind === "rect") {
        ops.push(pushGraphicsState());
        if (cmd.fill) ops.push(setFillingRgbColor(...cmd.fill));
        if (cmd.stroke) {
          ops.push(setStrokingRgbColor(...cmd.stroke), setLineWidth(cmd.lineWidth ?? 0.5));
        }
        ops.push(rectangle(cmd.x, flip(cmd.y + cmd.height), cmd.width, cmd.height));
        if (cmd.fill) ops.push(fill());
        if (cmd.stroke) {
          ops.push(rectangle(cmd.x, flip(cmd.y + cmd.height), cmd.width, cmd.height), stroke());
        }
        ops.push(popGraphicsState());
      } else if (cmd.kind === "line") {
        ops.push(
          pushGraphicsState(),
          setStrokingRgbColor(...cmd.color),
          setLineWidth(cmd.lineWidth),
          moveTo(cmd.x1, flip(cmd.y1)),
          lineTo(cmd.x2, flip(cmd.y2)),
          stroke(),
          popGraphicsState(),
        );
      }
    }

    ops.push(beginText());
    let font: FontKey | null = null;
    let size = 0;
    let color: Color | null = null;
    for (const cmd of laidOut.commands) {
      if (cmd.kind !== "text" || cmd.text === "") continue;
      if (cmd.font !== font || cmd.size !== size) {
        font = cmd.font;
        size = cmd.size;
        ops.push(setFontAndSize(fontKeys[font], size));
      }
      if (!sameColor(color, cmd.color)) {
        color = cmd.color;
        ops.push(setFillingRgbColor(...color));
      }
      ops.push(
        setTextMatrix(1, 0, 0, 1, cmd.x, flip(cmd.y)),
        showText(fonts[cmd.font].encodeText(cmd.text)),
      );
    }
    ops.push(endText());
    page.pushOperators(...ops);
  }
}
