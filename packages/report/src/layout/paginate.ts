// Flows a list of blocks (headings, paragraphs, tables, figures) down A4 pages
// and returns positioned draw commands per page. Pagination rules:
// - headings and blocks marked keepWithNext never end a page: they move to the
//   next page unless the start of the following block fits under them;
// - paragraphs break between lines, never leaving one line alone at the bottom
//   (orphan) or, when avoidable, at the top of the next page (widow);
// - tables break between rows and repeat their header row on every page; a row
//   taller than a whole page is split between its lines.
// Pure: no pdf-lib here, measuring goes through a Measurer.
import type { Color, DrawCommand, Measurer, PageGeometry, TextStyle } from "./types";
import { type Run, type WrappedLine, wrapCell, wrapRuns } from "./wrap";

interface Spacing {
  /** Space above the block; dropped at the top of a page. */
  spaceBefore?: number;
  /** Space below the block. */
  spaceAfter?: number;
}

export interface HeadingBlock extends Spacing {
  kind: "heading";
  text: string;
  style: TextStyle;
  /** Optional rule drawn under the heading. */
  rule?: { color: Color; lineWidth: number; gap: number };
}

export interface ParagraphBlock extends Spacing {
  kind: "paragraph";
  runs: Run[];
  style: TextStyle;
  /** Left indent of every line, in points. */
  indent?: number;
  /** Marker drawn in the indent of the first line (e.g. "•" or "2."). */
  marker?: string;
  keepWithNext?: boolean;
}

export interface TableColumn {
  header: string;
  /** Relative width; columns share the frame width in proportion. */
  weight: number;
  align?: "left" | "right" | "center";
}

export interface TableRow {
  cells: string[];
  bold?: boolean;
  fill?: Color;
}

export interface TableBlock extends Spacing {
  kind: "table";
  columns: TableColumn[];
  rows: TableRow[];
  style: TextStyle;
  headerStyle: TextStyle;
  headerFill: Color;
  zebraFill?: Color;
  borderColor: Color;
  padding: number;
  /**
   * Rows the table must start with on a page (default: all rows of a short table, else 3).
   * A tall table of few rows (the study plan) can start with fewer and break between rows.
   */
  minStartRows?: number;
}

export interface FigureBlock extends Spacing {
  kind: "figure";
  height: number;
  /** Draws the figure in the box whose top-left corner is (x, y). */
  draw: (x: number, y: number, width: number) => DrawCommand[];
  keepWithNext?: boolean;
}

export interface PageBreakBlock {
  kind: "pageBreak";
}

export type Block = HeadingBlock | ParagraphBlock | TableBlock | FigureBlock | PageBreakBlock;

export interface LaidOutPage {
  commands: DrawCommand[];
}

export interface LayoutResult {
  pages: LaidOutPage[];
  /** Page index (0-based) where each block starts, in block order. */
  blockPages: number[];
}

/** Tables with at most this many rows never break across pages (if they fit one). */
const SHORT_TABLE_ROWS = 6;

interface PreparedTableRow {
  row: TableRow;
  cells: WrappedLine[][];
  lineCount: number;
}

function lineHeight(style: TextStyle): number {
  return style.size * style.leading;
}

function columnWidths(table: TableBlock, frameWidth: number): number[] {
  const total = table.columns.reduce((sum, c) => sum + c.weight, 0);
  return table.columns.map((c) => (frameWidth * c.weight) / total);
}

export function paginate(blocks: readonly Block[], page: PageGeometry, measure: Measurer) {
  const frameLeft = page.margin.left;
  const frameWidth = page.width - page.margin.left - page.margin.right;
  const frameTop = page.margin.top;
  const frameBottom = page.height - page.margin.bottom;

  const pages: LaidOutPage[] = [{ commands: [] }];
  const blockPages: number[] = [];
  let y = frameTop;
  let atTop = true;

  const current = () => pages[pages.length - 1]!;
  const newPage = () => {
    pages.push({ commands: [] });
    y = frameTop;
    atTop = true;
  };
  const remaining = () => frameBottom - y;
  const spaceBefore = (block: Spacing) => (atTop ? 0 : (block.spaceBefore ?? 0));

  // Wrapping is cached so measuring for keep-with-next and placing agree.
  const paragraphLines = new Map<ParagraphBlock | HeadingBlock, WrappedLine[]>();
  const linesOf = (block: ParagraphBlock | HeadingBlock): WrappedLine[] => {
    let lines = paragraphLines.get(block);
    if (!lines) {
      lines =
        block.kind === "heading"
          ? wrapRuns(
              [{ text: block.text, font: block.style.font }],
              frameWidth,
              block.style.size,
              measure,
            )
          : wrapRuns(block.runs, frameWidth - (block.indent ?? 0), block.style.size, measure);
      paragraphLines.set(block, lines);
    }
    return lines;
  };
  const headingHeight = (block: HeadingBlock) =>
    linesOf(block).length * lineHeight(block.style) + (block.rule ? block.rule.gap : 0);

  const preparedTables = new Map<TableBlock, PreparedTableRow[]>();
  const tableRowsOf = (table: TableBlock): PreparedTableRow[] => {
    let prepared = preparedTables.get(table);
    if (!prepared) {
      const widths = columnWidths(table, frameWidth);
      prepared = table.rows.map((row) => {
        const cells = row.cells.map((text, i) =>
          wrapCell(
            text,
            widths[i]! - 2 * table.padding,
            row.bold ? "bold" : table.style.font,
            table.style.size,
            measure,
          ),
        );
        return { row, cells, lineCount: Math.max(1, ...cells.map((c) => c.length)) };
      });
      preparedTables.set(table, prepared);
    }
    return prepared;
  };
  const headerLines = (table: TableBlock): WrappedLine[][] => {
    const widths = columnWidths(table, frameWidth);
    return table.columns.map((c, i) =>
      wrapRuns(
        [{ text: c.header, font: table.headerStyle.font }],
        widths[i]! - 2 * table.padding,
        table.headerStyle.size,
        measure,
      ),
    );
  };
  const headerHeight = (table: TableBlock) =>
    Math.max(1, ...headerLines(table).map((c) => c.length)) * lineHeight(table.headerStyle) +
    2 * table.padding;
  const rowHeight = (table: TableBlock, lines: number) =>
    lines * lineHeight(table.style) + 2 * table.padding;

  /** Height the start of a block needs so that nothing kept with it is stranded. */
  const minimumStart = (index: number): number => {
    const block = blocks[index];
    if (!block || block.kind === "pageBreak") return 0;
    switch (block.kind) {
      case "heading":
        return headingHeight(block) + (block.spaceAfter ?? 0) + minimumStart(index + 1);
      case "paragraph": {
        const lines = linesOf(block);
        const lh = lineHeight(block.style);
        if (block.keepWithNext)
          return lines.length * lh + (block.spaceAfter ?? 0) + minimumStart(index + 1);
        return Math.min(lines.length, 2) * lh;
      }
      case "table": {
        // Short tables are kept whole; longer ones start with at least three rows.
        const rows = tableRowsOf(block);
        const kept =
          block.minStartRows !== undefined
            ? rows.slice(0, block.minStartRows)
            : rows.length <= SHORT_TABLE_ROWS
              ? rows
              : rows.slice(0, 3);
        return headerHeight(block) + kept.reduce((s, r) => s + rowHeight(block, r.lineCount), 0);
      }
      case "figure":
        return (
          block.height +
          (block.keepWithNext ? (block.spaceAfter ?? 0) + minimumStart(index + 1) : 0)
        );
    }
  };

  const pushText = (line: WrappedLine, x: number, top: number, style: TextStyle) => {
    for (const fragment of line.fragments) {
      current().commands.push({
        kind: "text",
        x: x + fragment.x,
        y: top + measure.ascent(fragment.font, style.size),
        text: fragment.text,
        font: fragment.font,
        size: style.size,
        color: fragment.color ?? style.color,
        width: fragment.width,
      });
    }
  };

  const startBlock = (index: number) => {
    const block = blocks[index] as Exclude<Block, PageBreakBlock>;
    const need = spaceBefore(block) + minimumStart(index);
    if (!atTop && need > remaining()) newPage();
    y += spaceBefore(block);
    blockPages[index] = pages.length - 1;
  };

  const placeHeading = (block: HeadingBlock) => {
    const lh = lineHeight(block.style);
    for (const line of linesOf(block)) {
      pushText(line, frameLeft, y, block.style);
      y += lh;
    }
    if (block.rule) {
      const ruleY = y + block.rule.gap / 2;
      current().commands.push({
        kind: "line",
        x1: frameLeft,
        y1: ruleY,
        x2: frameLeft + frameWidth,
        y2: ruleY,
        color: block.rule.color,
        lineWidth: block.rule.lineWidth,
      });
      y += block.rule.gap;
    }
  };

  const placeParagraph = (block: ParagraphBlock) => {
    const lines = linesOf(block);
    const lh = lineHeight(block.style);
    const x = frameLeft + (block.indent ?? 0);
    let index = 0;
    while (index < lines.length) {
      let fit = Math.max(0, Math.floor((remaining() + 1e-6) / lh));
      if (fit === 0 && atTop) fit = 1; // a line taller than the page: draw it anyway
      let count = Math.min(fit, lines.length - index);
      const left = lines.length - index - count;
      // Widow control: do not leave a single line for the next page.
      if (left === 1 && count >= 3) count -= 1;
      if (count === 0) {
        newPage();
        continue;
      }
      for (let i = 0; i < count; i++) {
        if (index === 0 && block.marker) {
          const markerWidth = measure.width(block.marker, block.style.font, block.style.size);
          current().commands.push({
            kind: "text",
            x: Math.max(frameLeft, x - markerWidth - block.style.size * 0.45),
            y: y + measure.ascent(block.style.font, block.style.size),
            text: block.marker,
            font: block.style.font,
            size: block.style.size,
            color: block.style.color,
            width: markerWidth,
          });
        }
        pushText(lines[index]!, x, y, block.style);
        y += lh;
        index++;
        atTop = false;
      }
      if (index < lines.length) newPage();
    }
  };

  const placeTable = (table: TableBlock) => {
    const widths = columnWidths(table, frameWidth);
    const xs = widths.map((_, i) => frameLeft + widths.slice(0, i).reduce((s, w) => s + w, 0));
    const pad = table.padding;

    const drawCells = (cells: WrappedLine[][], from: number, to: number, style: TextStyle) => {
      const lh = lineHeight(style);
      cells.forEach((lines, col) => {
        const align = table.columns[col]?.align ?? "left";
        lines.slice(from, to).forEach((line, i) => {
          const inner = widths[col]! - 2 * pad;
          const offset =
            align === "right"
              ? inner - line.width
              : align === "center"
                ? (inner - line.width) / 2
                : 0;
          pushText(line, xs[col]! + pad + offset, y + pad + i * lh, style);
        });
      });
    };
    const rowFrame = (height: number, fill: Color | undefined) => {
      if (fill)
        current().commands.push({ kind: "rect", x: frameLeft, y, width: frameWidth, height, fill });
      current().commands.push({
        kind: "line",
        x1: frameLeft,
        y1: y + height,
        x2: frameLeft + frameWidth,
        y2: y + height,
        color: table.borderColor,
        lineWidth: 0.5,
      });
    };
    const drawHeader = () => {
      const h = headerHeight(table);
      rowFrame(h, table.headerFill);
      const lines = headerLines(table);
      drawCells(lines, 0, Number.POSITIVE_INFINITY, table.headerStyle);
      y += h;
      atTop = false;
    };

    drawHeader();
    let rowsOnPage = 0;
    const fullBody = frameBottom - frameTop - headerHeight(table);
    tableRowsOf(table).forEach((prepared, rowIndex) => {
      const lh = lineHeight(table.style);
      const fill =
        prepared.row.fill ?? (table.zebraFill && rowIndex % 2 === 1 ? table.zebraFill : undefined);
      let from = 0;
      while (from < prepared.lineCount) {
        const needed = rowHeight(table, prepared.lineCount - from);
        if (needed <= remaining()) {
          rowFrame(needed, fill);
          drawCells(prepared.cells, from, prepared.lineCount, table.style);
          y += needed;
          rowsOnPage++;
          break;
        }
        const nextPage = () => {
          newPage();
          drawHeader();
          rowsOnPage = 0;
        };
        // A row that fits on a page moves to the next one; only taller rows are split.
        if (needed <= fullBody && rowsOnPage > 0) {
          nextPage();
          continue;
        }
        const fitLines = Math.max(
          rowsOnPage === 0 ? 1 : 0,
          Math.floor((remaining() - 2 * pad + 1e-6) / lh),
        );
        if (fitLines === 0) {
          nextPage();
          continue;
        }
        const h = rowHeight(table, fitLines);
        rowFrame(h, fill);
        drawCells(prepared.cells, from, from + fitLines, table.style);
        y += h;
        from += fitLines;
        if (from < prepared.lineCount) nextPage();
      }
    });
  };

  blocks.forEach((block, index) => {
    if (block.kind === "pageBreak") {
      if (!atTop) newPage();
      blockPages[index] = pages.length - 1;
      return;
    }
    startBlock(index);
    switch (block.kind) {
      case "heading":
        placeHeading(block);
        break;
      case "paragraph":
        placeParagraph(block);
        break;
      case "table":
        placeTable(block);
        break;
      case "figure":
        current().commands.push(...block.draw(frameLeft, y, frameWidth));
        y += block.height;
        break;
    }
    atTop = false;
    y += block.spaceAfter ?? 0;
  });

  return { pages, blockPages } satisfies LayoutResult;
}

/** Second pass: adds running decorations (footer, header) once the page count is known. */
export function decoratePages(
  pages: readonly LaidOutPage[],
  decorate: (pageIndex: number, pageCount: number) => DrawCommand[],
): LaidOutPage[] {
  return pages.map((page, i) => ({
    commands: [...page.commands, ...decorate(i, pages.length)],
  }));
}
