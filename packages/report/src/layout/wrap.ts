// Word wrapping of styled text runs into lines that fit a column width.
// Breaks at spaces and explicit "\n" only (non-breaking spaces hold, as French
// typography needs before « : ; ! ? »); a word wider than the column is cut
// between characters without a hyphen. Pure: measuring goes through a Measurer.
import type { Color, FontKey, Measurer } from "./types";

export interface Run {
  text: string;
  font: FontKey;
  color?: Color;
}

/** A piece of a line drawn in one font, at `x` from the line start. */
export interface Fragment {
  text: string;
  font: FontKey;
  color?: Color;
  x: number;
  width: number;
}

export interface WrappedLine {
  fragments: Fragment[];
  width: number;
}

interface Piece {
  text: string;
  font: FontKey;
  color?: Color;
}

interface Word {
  pieces: Piece[];
  spaceBefore: boolean;
}

type Token = Word | "newline";

const breakable = /([ \t\r\n]+)/;

function tokenize(runs: readonly Run[]): Token[] {
  const tokens: Token[] = [];
  let current: Word | null = null;
  let pendingSpace = false;
  for (const run of runs) {
    for (const part of run.text.split(breakable)) {
      if (part === "") continue;
      if (/^[ \t\r\n]+$/.test(part)) {
        current = null;
        const newlines = part.split("\n").length - 1;
        for (let i = 0; i < newlines; i++) tokens.push("newline");
        pendingSpace = newlines === 0;
        continue;
      }
      const piece: Piece = { text: part, font: run.font, color: run.color };
      if (current && !pendingSpace) current.pieces.push(piece);
      else {
        current = { pieces: [piece], spaceBefore: pendingSpace };
        tokens.push(current);
      }
      pendingSpace = false;
    }
  }
  return tokens;
}

function pieceWidth(piece: Piece, size: number, measure: Measurer): number {
  return measure.width(piece.text, piece.font, size);
}

function wordWidth(word: Word, size: number, measure: Measurer): number {
  return word.pieces.reduce((sum, p) => sum + pieceWidth(p, size, measure), 0);
}

/** Cuts an over-long word into words that each fit `maxWidth` (at least one character each). */
function splitWord(word: Word, maxWidth: number, size: number, measure: Measurer): Word[] {
  const out: Word[] = [];
  let pieces: Piece[] = [];
  let width = 0;
  const flush = () => {
    if (pieces.length > 0) out.push({ pieces, spaceBefore: false });
    pieces = [];
    width = 0;
  };
  for (const piece of word.pieces) {
    for (const ch of piece.text) {
      const w = measure.width(ch, piece.font, size);
      if (width + w > maxWidth && width > 0) flush();
      const last = pieces[pieces.length - 1];
      if (last && last.font === piece.font && last.color === piece.color) last.text += ch;
      else pieces.push({ text: ch, font: piece.font, color: piece.color });
      width += w;
    }
  }
  flush();
  if (out[0]) out[0].spaceBefore = word.spaceBefore;
  return out;
}

function buildLine(words: Word[], size: number, measure: Measurer): WrappedLine {
  const fragments: Fragment[] = [];
  let x = 0;
  words.forEach((word, index) => {
    word.pieces.forEach((piece, pieceIndex) => {
      const prefix = index > 0 && pieceIndex === 0 && word.spaceBefore ? " " : "";
      const text = prefix + piece.text;
      const width = measure.width(text, piece.font, size);
      const last = fragments[fragments.length - 1];
      if (last && last.font === piece.font && last.color === piece.color) {
        last.text += text;
        last.width += width;
      } else {
        fragments.push({ text, font: piece.font, color: piece.color, x, width });
      }
      x += width;
    });
  });
  return { fragments, width: x };
}

/** Wraps runs into lines no wider than `maxWidth` points (font size `size`). */
export function wrapRuns(
  runs: readonly Run[],
  maxWidth: number,
  size: number,
  measure: Measurer,
): WrappedLine[] {
  const lines: WrappedLine[] = [];
  let words: Word[] = [];
  let width = 0;
  const endLine = () => {
    lines.push(buildLine(words, size, measure));
    words = [];
    width = 0;
  };
  for (const token of tokenize(runs)) {
    if (token === "newline") {
      endLine();
      continue;
    }
    const w = wordWidth(token, size, measure);
    const firstFont = token.pieces[0]!.font;
    const space = words.length > 0 && token.spaceBefore ? measure.width(" ", firstFont, size) : 0;
    if (width + space + w <= maxWidth) {
      words.push(token);
      width += space + w;
      continue;
    }
    if (words.length > 0) endLine();
    if (w <= maxWidth) {
      words.push(token);
      width = w;
      continue;
    }
    const parts = splitWord(token, maxWidth, size, measure);
    parts.forEach((part, i) => {
      words.push(part);
      width = wordWidth(part, size, measure);
      if (i < parts.length - 1) endLine();
    });
  }
  if (words.length > 0 || lines.length === 0) endLine();
  return lines;
}

/** Single-font convenience: the text of each wrapped line. */
export function wrapText(
  text: string,
  maxWidth: number,
  font: FontKey,
  size: number,
  measure: Measurer,
): string[] {
  return wrapRuns([{ text, font }], maxWidth, size, measure).map((line) =>
    line.fragments.map((f) => f.text).join(""),
  );
}

/**
 * Wraps table-cell text: one paragraph per "\n"; a paragraph starting with
 * "• " becomes a bullet whose continuation lines hang under its text.
 */
export function wrapCell(
  text: string,
  maxWidth: number,
  font: FontKey,
  size: number,
  measure: Measurer,
): WrappedLine[] {
  const bulletPrefix = "• ";
  const hang = measure.width(bulletPrefix, font, size);
  return text.split("\n").flatMap((paragraph) => {
    if (!paragraph.startsWith(bulletPrefix) || hang >= maxWidth / 2)
      return wrapRuns([{ text: paragraph, font }], maxWidth, size, measure);
    const body = wrapRuns([{ text: paragraph.slice(2), font }], maxWidth - hang, size, measure);
    return body.map((line, i) => {
      const shifted = line.fragments.map((f) => ({ ...f, x: f.x + hang }));
      const fragments =
        i === 0 ? [{ text: bulletPrefix, font, x: 0, width: hang }, ...shifted] : shifted;
      return { fragments, width: line.width + hang };
    });
  });
}
