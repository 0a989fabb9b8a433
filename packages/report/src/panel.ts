// A framed box (tinted background, accent bar on the left): a title and a few paragraphs of
// styled runs, wrapped to the frame. Used for « Prochaine étape et contacts » and « Comment
// lire ce bilan ». Never breaks across pages (a figure), so keep it short. Pure.

import { withFrenchSpacing } from "./french-format";
import type { FigureBlock } from "./layout/paginate";
import type { Color, DrawCommand, Measurer, PageGeometry, TextStyle } from "./layout/types";
import { type Run, wrapRuns } from "./layout/wrap";

export interface PanelOptions {
  title: string;
  paragraphs: Run[][];
  fill: Color;
  accent: Color;
  titleStyle: TextStyle;
  bodyStyle: TextStyle;
  /** Paragraphs drawn with a bullet in the indent. */
  bullets?: boolean;
}

const PAD_X = 12;
const PAD_Y = 6;
const BAR = 3;
const BULLET = 11;
const PARAGRAPH_GAP = 3;

export function panelFigure(
  options: PanelOptions,
  measure: Measurer,
  page: PageGeometry,
): FigureBlock {
  const frameWidth = page.width - page.margin.left - page.margin.right;
  const indent = options.bullets ? BULLET : 0;
  const textWidth = frameWidth - 2 * PAD_X - BAR - indent;
  const body = options.bodyStyle;
  const lh = body.size * body.leading;
  const titleLh = options.titleStyle.size * options.titleStyle.leading;
  const wrapped = options.paragraphs.map((runs) =>
    wrapRuns(
      runs.map((r) => ({ ...r, text: withFrenchSpacing(r.text) })),
      textWidth,
      body.size,
      measure,
    ),
  );
  const bodyHeight = wrapped.reduce(
    (sum, lines, i) => sum + lines.length * lh + (i > 0 ? PARAGRAPH_GAP : 0),
    0,
  );
  const height = 2 * PAD_Y + titleLh + 3 + bodyHeight;

  const draw = (x: number, y: number, width: number): DrawCommand[] => {
    const out: DrawCommand[] = [
      { kind: "rect", x, y, width, height, fill: options.fill },
      { kind: "rect", x, y, width: BAR, height, fill: options.accent },
    ];
    const left = x + BAR + PAD_X;
    const ts = options.titleStyle;
    out.push({
      kind: "text",
      x: left,
      y: y + PAD_Y + measure.ascent(ts.font, ts.size),
      text: options.title,
      font: ts.font,
      size: ts.size,
      color: ts.color,
      width: measure.width(options.title, ts.font, ts.size),
    });
    let lineTop = y + PAD_Y + titleLh + 3;
    wrapped.forEach((lines, p) => {
      if (p > 0) lineTop += PARAGRAPH_GAP;
      lines.forEach((line, i) => {
        const baseline = lineTop + measure.ascent(body.font, body.size);
        if (options.bullets && i === 0) {
          out.push({
            kind: "text",
            x: left,
            y: baseline,
            text: "•",
            font: "regular",
            size: body.size,
            color: options.accent,
            width: measure.width("•", "regular", body.size),
          });
        }
        for (const f of line.fragments) {
          out.push({
            kind: "text",
            x: left + indent + f.x,
            y: baseline,
            text: f.text,
            font: f.font,
            size: body.size,
            color: f.color ?? body.color,
            width: f.width,
          });
        }
        lineTop += lh;
      });
    });
    return out;
  };
  return { kind: "figure", height, draw, spaceBefore: 4, spaceAfter: 4 };
}
