// Horizontal bar chart of domain percentages, drawn with vector primitives:
// one labelled bar per domain on a 0–100 scale with grid lines, the value at
// the end of each bar and a colour legend. Pure: returns a figure block.
import type { FigureBlock } from "./layout/paginate";
import type { Color, DrawCommand, Measurer, TextStyle } from "./layout/types";
import { wrapText } from "./layout/wrap";
import { palette } from "./theme";

export interface BarItem {
  label: string;
  percent: number;
  color: Color;
  /** Text printed at the end of the bar, e.g. « 65 % ». */
  valueLabel: string;
  /** The previous bilan's percentage: drawn as a dark tick on the bar. */
  previous?: number;
}

export interface LegendItem {
  label: string;
  color: Color;
}

const labelStyle: TextStyle = { font: "regular", size: 8.5, color: palette.ink, leading: 1.2 };
const tickStyle: TextStyle = { font: "regular", size: 7.2, color: palette.muted, leading: 1.2 };
const valueStyle: TextStyle = { font: "bold", size: 8.3, color: palette.ink, leading: 1.2 };

const LABEL_WIDTH = 150;
const GAP = 10;
const VALUE_SPACE = 38;
const BAR_HEIGHT = 10;
const MIN_ROW = 17;
const TICKS = [0, 25, 50, 75, 100];

function clampLines(lines: string[], maxWidth: number, measure: Measurer): string[] {
  if (lines.length <= 2) return lines;
  let second = lines[1]!;
  const ellipsis = "…";
  while (
    second.length > 0 &&
    measure.width(`${second}${ellipsis}`, labelStyle.font, labelStyle.size) > maxWidth
  )
    second = second.slice(0, -1);
  return [lines[0]!, `${second.trimEnd()}${ellipsis}`];
}

export function barChartFigure(
  items: readonly BarItem[],
  legend: readonly LegendItem[],
  measure: Measurer,
): FigureBlock {
  const lh = labelStyle.size * labelStyle.leading;
  const rows = items.map((item) => {
    const lines = clampLines(
      wrapText(item.label, LABEL_WIDTH, labelStyle.font, labelStyle.size, measure),
      LABEL_WIDTH,
      measure,
    );
    return { item, lines, height: Math.max(MIN_ROW, lines.length * lh + 7) };
  });
  const plotHeight = rows.reduce((sum, r) => sum + r.height, 0);
  const axisHeight = 14;
  const legendHeight = legend.length > 0 ? 14 : 0;
  const topPad = 4;
  const height = topPad + plotHeight + axisHeight + legendHeight;

  const draw = (x: number, y: number, width: number): DrawCommand[] => {
    const out: DrawCommand[] = [];
    const plotLeft = x + LABEL_WIDTH + GAP;
    const plotWidth = width - LABEL_WIDTH - GAP - VALUE_SPACE;
    const top = y + topPad;
    const bottom = top + plotHeight;
    const xAt = (percent: number) =>
      plotLeft + (plotWidth * Math.min(100, Math.max(0, percent))) / 100;
    const text = (s: string, tx: number, baseline: number, style: TextStyle, color?: Color) =>
      out.push({
        kind: "text",
        x: tx,
        y: baseline,
        text: s,
        font: style.font,
        size: style.size,
        color: color ?? style.color,
        width: measure.width(s, style.font, style.size),
      });

    for (const tick of TICKS) {
      out.push({
        kind: "line",
        x1: xAt(tick),
        y1: top,
        x2: xAt(tick),
        y2: bottom,
        color: palette.rule,
        lineWidth: tick === 0 ? 0.8 : 0.4,
      });
      const label = String(tick);
      const w = measure.width(label, tickStyle.font, tickStyle.size);
      text(label, xAt(tick) - w / 2, bottom + 10, tickStyle);
    }
    const scaleTitle = "Taux de réussite (%)";
    text(
      scaleTitle,
      plotLeft - GAP - measure.width(scaleTitle, tickStyle.font, tickStyle.size),
      bottom + 10,
      tickStyle,
    );

    let rowTop = top;
    for (const row of rows) {
      const mid = rowTop + row.height / 2;
      const textTop = mid - (row.lines.length * lh) / 2;
      row.lines.forEach((line, i) => {
        text(
          line,
          x,
          textTop + i * lh + measure.ascent(labelStyle.font, labelStyle.size),
          labelStyle,
        );
      });
      out.push({
        kind: "rect",
        x: plotLeft,
        y: mid - BAR_HEIGHT / 2,
        width: plotWidth,
        height: BAR_HEIGHT,
        fill: palette.zebra,
      });
      const barWidth = xAt(row.item.percent) - plotLeft;
      if (barWidth > 0)
        out.push({
          kind: "rect",
          x: plotLeft,
          y: mid - BAR_HEIGHT / 2,
          width: barWidth,
          height: BAR_HEIGHT,
          fill: row.item.color,
        });
      if (row.item.previous !== undefined) {
        const px = xAt(row.item.previous);
        out.push({
          kind: "line",
          x1: px,
          y1: mid - BAR_HEIGHT / 2 - 2.5,
          x2: px,
          y2: mid + BAR_HEIGHT / 2 + 2.5,
          color: palette.navy,
          lineWidth: 1.6,
        });
      }
      text(row.item.valueLabel, plotLeft + barWidth + 4, mid + valueStyle.size * 0.36, valueStyle);
      rowTop += row.height;
    }

    if (legend.length > 0) {
      const ly = bottom + axisHeight + 5;
      const intro = "Niveau de maîtrise :";
      text(intro, x, ly, tickStyle);
      let lx = x + measure.width(intro, tickStyle.font, tickStyle.size) + 8;
      for (const entry of legend) {
        out.push({ kind: "rect", x: lx, y: ly - 6.5, width: 8, height: 8, fill: entry.color });
        text(entry.label, lx + 11, ly, tickStyle, palette.ink);
        lx += 11 + measure.width(entry.label, tickStyle.font, tickStyle.size) + 14;
      }
      if (items.some((i) => i.previous !== undefined)) {
        out.push({
          kind: "line",
          x1: lx + 3,
          y1: ly - 8,
          x2: lx + 3,
          y2: ly + 1.5,
          color: palette.navy,
          lineWidth: 1.6,
        });
        text("bilan précédent", lx + 9, ly, tickStyle, palette.ink);
      }
    }
    return out;
  };

  return { kind: "figure", height, draw, spaceAfter: 4 };
}
