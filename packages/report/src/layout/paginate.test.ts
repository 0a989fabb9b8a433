import { describe, expect, it } from "vitest";
import { fakeMeasurer } from "./fake-measurer";
import {
  type Block,
  decoratePages,
  type HeadingBlock,
  type LaidOutPage,
  type ParagraphBlock,
  paginate,
  type TableBlock,
} from "./paginate";
import type { PageGeometry, TextCommand, TextStyle } from "./types";

// A small page keeps the arithmetic readable: frame 200 × 200 pt.
const page: PageGeometry = {
  width: 240,
  height: 240,
  margin: { top: 20, right: 20, bottom: 20, left: 20 },
};
const frame = { left: 20, right: 220, top: 20, bottom: 220 };
const body: TextStyle = { font: "regular", size: 10, color: [0, 0, 0], leading: 1 }; // 10 pt lines
const black = [0, 0, 0] as const;

const texts = (p: LaidOutPage) =>
  p.commands.filter((c): c is TextCommand => c.kind === "text").map((c) => c.text);

const para = (text: string, extra: Partial<ParagraphBlock> = {}): ParagraphBlock => ({
  kind: "paragraph",
  runs: [{ text, font: "regular" }],
  style: body,
  ...extra,
});
/** A paragraph of exactly `n` lines (one 8-char word per line in a 200 pt frame). */
const lines = (n: number, tag: string) =>
  para(
    Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(2, "0")}`.padEnd(40, "x")).join(
      " ",
    ),
  );
const heading = (text: string): HeadingBlock => ({
  kind: "heading",
  text,
  style: { ...body, font: "bold" },
});
const table = (rows: string[][], header = ["Semaine", "Objectifs"]): TableBlock => ({
  kind: "table",
  columns: header.map((h) => ({ header: h, weight: 1 })),
  rows: rows.map((cells) => ({ cells })),
  style: body,
  headerStyle: { ...body, font: "bold" },
  headerFill: black,
  borderColor: black,
  padding: 0,
});

function expectInsideFrame(pages: LaidOutPage[]) {
  for (const p of pages) {
    for (const c of p.commands) {
      if (c.kind !== "text") continue;
      expect(c.x).toBeGreaterThanOrEqual(frame.left - 1e-6);
      expect(c.x + c.width).toBeLessThanOrEqual(frame.right + 1e-6);
      expect(c.y).toBeGreaterThan(frame.top);
      expect(c.y).toBeLessThanOrEqual(frame.bottom);
    }
  }
}

describe("paginate", () => {
  it("flows paragraphs line by line onto new pages", () => {
    const { pages } = paginate([lines(45, "L")], page, fakeMeasurer);
    expect(pages.map((p) => texts(p).length)).toEqual([20, 20, 5]);
    expectInsideFrame(pages);
  });

  it("moves a heading to the next page instead of leaving it alone at the bottom", () => {
    // 19 lines leave 10 pt: room for the heading but not for a line under it.
    const blocks: Block[] = [lines(19, "A"), heading("Recommandations"), lines(3, "B")];
    const { pages, blockPages } = paginate(blocks, page, fakeMeasurer);
    expect(blockPages).toEqual([0, 1, 1]);
    expect(texts(pages[1]!)[0]).toBe("Recommandations");
    expect(texts(pages[0]!)).not.toContain("Recommandations");
  });

  it("keeps the heading on the page when the start of the next block fits", () => {
    const blocks: Block[] = [lines(17, "A"), heading("Synthèse"), lines(3, "B")];
    const { pages, blockPages } = paginate(blocks, page, fakeMeasurer);
    expect(blockPages).toEqual([0, 0, 0]);
    // A heading is never the last text of a page.
    for (const p of pages) expect(texts(p).at(-1)).not.toBe("Synthèse");
  });

  it("chains keep-with-next: heading + keepWithNext title + first lines of the text", () => {
    const blocks: Block[] = [
      lines(17, "A"),
      heading("Recommandations"),
      para("1. Titre", { keepWithNext: true }),
      lines(4, "B"),
    ];
    const { blockPages } = paginate(blocks, page, fakeMeasurer);
    // 17 + 1 + 1 + 2 lines > 20: all three move together.
    expect(blockPages).toEqual([0, 1, 1, 1]);
  });

  it("never leaves a single line of a paragraph at the bottom of a page (orphan)", () => {
    const { pages } = paginate([lines(19, "A"), lines(5, "B")], page, fakeMeasurer);
    expect(texts(pages[0]!).filter((t) => t.startsWith("B"))).toEqual([]);
    expect(texts(pages[1]!).filter((t) => t.startsWith("B"))).toHaveLength(5);
  });

  it("avoids a single last line at the top of the next page (widow)", () => {
    const { pages } = paginate([lines(10, "A"), lines(11, "B")], page, fakeMeasurer);
    const onSecond = texts(pages[1]!).filter((t) => t.startsWith("B"));
    expect(onSecond).toHaveLength(2);
  });

  it("repeats the table header on every page the table spans", () => {
    const rows = Array.from({ length: 50 }, (_, i) => [String(i + 1), `objectif ${i + 1}`]);
    const { pages } = paginate([lines(5, "A"), table(rows)], page, fakeMeasurer);
    expect(pages.length).toBe(3);
    for (const p of pages) {
      const t = texts(p);
      const headerIndex = t.indexOf("Semaine");
      expect(headerIndex).toBeGreaterThanOrEqual(0);
      // The header comes before the rows of that page.
      const firstRow = t.findIndex((s) => s.startsWith("objectif"));
      expect(headerIndex).toBeLessThan(firstRow);
    }
    // Every row appears exactly once.
    const all = pages.flatMap(texts).filter((s) => s.startsWith("objectif"));
    expect(all).toEqual(rows.map((r) => r[1]));
    expectInsideFrame(pages);
  });

  it("wraps table cells within their column", () => {
    const long = "une activité très longue qui doit passer sur plusieurs lignes dans sa colonne";
    const { pages } = paginate([table([["1", long]])], page, fakeMeasurer);
    const cells = pages[0]!.commands.filter(
      (c): c is TextCommand => c.kind === "text" && c.x >= 120,
    );
    expect(cells.length).toBeGreaterThan(3);
    for (const c of cells) expect(c.x + c.width).toBeLessThanOrEqual(220 + 1e-6);
  });

  it("keeps a short table whole rather than splitting it", () => {
    const rows = Array.from({ length: 5 }, (_, i) => [String(i), `ligne ${i}`]);
    const { blockPages, pages } = paginate([lines(15, "A"), table(rows)], page, fakeMeasurer);
    expect(blockPages[1]).toBe(1);
    expect(texts(pages[1]!).filter((t) => t.startsWith("ligne"))).toHaveLength(5);
  });

  it("splits a row taller than a page between its lines", () => {
    const tall = Array.from({ length: 30 }, (_, i) => `• l${i}`).join("\n");
    const { pages } = paginate([table([["1", tall]])], page, fakeMeasurer);
    expect(pages.length).toBe(2);
    const all = pages.flatMap(texts).filter((t) => /^l\d+$/.test(t));
    expect(all).toHaveLength(30);
    expect(texts(pages[1]!)).toContain("Semaine");
    expectInsideFrame(pages);
  });

  it("starts a new page on a page break but never leaves an empty page", () => {
    const { pages } = paginate(
      [{ kind: "pageBreak" }, lines(2, "A"), { kind: "pageBreak" }, lines(2, "B")],
      page,
      fakeMeasurer,
    );
    expect(pages.map((p) => texts(p).length)).toEqual([2, 2]);
  });
});

describe("decoratePages", () => {
  it("adds decorations knowing the final page count", () => {
    const { pages } = paginate([lines(45, "L")], page, fakeMeasurer);
    const decorated = decoratePages(pages, (i, n) => [
      {
        kind: "text",
        x: 20,
        y: 235,
        text: `Page ${i + 1} / ${n}`,
        font: "regular",
        size: 8,
        color: black,
        width: 10,
      },
    ]);
    expect(decorated.map((p) => texts(p).at(-1))).toEqual([
      "Page 1 / 3",
      "Page 2 / 3",
      "Page 3 / 3",
    ]);
    // Content is untouched.
    expect(decorated[0]!.commands.length).toBe(pages[0]!.commands.length + 1);
  });
});
