// Renders laid-out pages with pdf-lib: one PDF page per LaidOutPage, y axis
// flipped from the layout's top-down coordinates to PDF's bottom-up ones.
import { type PDFDocument, type PDFFont, rgb } from "pdf-lib";
import type { LaidOutPage } from "./paginate";
import type { Color, FontKey, PageGeometry } from "./types";

const toRgb = (c: Color) => rgb(c[0], c[1], c[2]);

export function drawPages(
  doc: PDFDocument,
  fonts: Record<FontKey, PDFFont>,
  pages: readonly LaidOutPage[],
  geometry: Pick<PageGeometry, "width" | "height">,
): void {
  const flip = (y: number) => geometry.height - y;
  for (const laidOut of pages) {
    const page = doc.addPage([geometry.width, geometry.height]);
    for (const cmd of laidOut.commands) {
      switch (cmd.kind) {
        case "text":
          page.drawText(cmd.text, {
            x: cmd.x,
            y: flip(cmd.y),
            size: cmd.size,
            font: fonts[cmd.font],
            color: toRgb(cmd.color),
          });
          break;
        case "rect":
          page.drawRectangle({
            x: cmd.x,
            y: flip(cmd.y + cmd.height),
            width: cmd.width,
            height: cmd.height,
            color: cmd.fill ? toRgb(cmd.fill) : undefined,
            borderColor: cmd.stroke ? toRgb(cmd.stroke) : undefined,
            borderWidth: cmd.stroke ? (cmd.lineWidth ?? 0.5) : 0,
          });
          break;
        case "line":
          page.drawLine({
            start: { x: cmd.x1, y: flip(cmd.y1) },
            end: { x: cmd.x2, y: flip(cmd.y2) },
            thickness: cmd.lineWidth,
            color: toRgb(cmd.color),
          });
          break;
      }
    }
  }
}
