// Chunking by headings and paragraphs into ~800-token chunks (counted with the
// embedding model's tokenizer) with ~15 % sentence-aligned overlap. Sentences
// are never cut when avoidable; an over-long one is split on word boundaries
// and the chunk is flagged — text is never dropped or truncated.
import type { PageText } from "./clean.ts";
import { sha256Hex } from "./hash.ts";
import { splitSentences } from "./sentences.ts";
import { countTokens } from "./tokenizer.ts";

/** Bump when chunk boundaries or text change: every document is then re-indexed. */
export const CHUNKER_VERSION = "chunker-v1";

export const DEFAULT_TARGET_TOKENS = 800;
export const DEFAULT_OVERLAP_RATIO = 0.15;

export interface ChunkOptions {
  /** Part of the content hash: a change of model re-indexes. */
  embeddingModel: string;
  targetTokens?: number;
  overlapRatio?: number;
  /** Document title, root of every heading path. */
  title?: string;
  /** Defaults to the cl100k_base tokenizer. */
  countTokens?: (text: string) => number;
}

export interface Chunk {
  ordinal: number;
  text: string;
  pageStart: number;
  pageEnd: number;
  tokens: number;
  headingPath: string[];
  contentHash: string;
  /** True when an over-long sentence had to be split on word boundaries. */
  splitSentence: boolean;
}

type Separator = " " | "\n" | "\n\n";

interface Unit {
  kind: "heading" | "sentence" | "piece";
  text: string;
  tokens: number;
  pageStart: number;
  pageEnd: number;
  headingPath: string[];
  /** How this unit joins the previous one in the document. */
  before: Separator;
}

interface Block {
  kind: "heading" | "paragraph" | "list-item";
  text: string;
  level: number;
  /** Heading marked as such ("#"), not guessed from the line's shape. */
  explicit?: boolean;
  pageStart: number;
  pageEnd: number;
}

const LIST_ITEM = /^(?:[-•–*▪◦]\s+|\d{1,2}[.)]\s+(?=\S))/u;
const MARKDOWN_HEADING = /^(#{1,6})\s+(.+)$/u;
const TERMINAL = /[.!?;:,…]$/u;

export function chunkContentHash(text: string, embeddingModel: string): string {
  return sha256Hex(`${text}\u0000${CHUNKER_VERSION}\u0000${embeddingModel}`);
}

/** A lone short line without final punctuation, starting with a capital or a numbering. */
function headingLevel(paragraphLines: string[]): number | null {
  if (paragraphLines.length !== 1) return null;
  const line = paragraphLines[0]!;
  const markdown = MARKDOWN_HEADING.exec(line);
  if (markdown) return markdown[1]!.length;
  if (line.length > 90 || TERMINAL.test(line) || !/\p{L}.*\p{L}/u.test(line)) return null;
  const numbered = /^((?:\d+\.)+\d*|[IVX]+\.)\s+\p{Lu}/u.exec(line);
  if (numbered) return Math.min(6, numbered[1]!.split(".").filter(Boolean).length + 1);
  if (LIST_ITEM.test(line) || !/^\p{Lu}/u.test(line)) return null;
  return line === line.toUpperCase() ? 1 : 2;
}

function pageBlocks(page: PageText): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of page.text.split(/\n\s*\n/)) {
    const lines = paragraph
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length === 0) continue;
    const level = headingLevel(lines);
    if (level !== null) {
      const explicit = MARKDOWN_HEADING.test(lines[0]!);
      const text = lines[0]!.replace(MARKDOWN_HEADING, "$2").trim();
      blocks.push({
        kind: "heading",
        text,
        level,
        explicit,
        pageStart: page.page,
        pageEnd: page.page,
      });
      continue;
    }
    // Inside a paragraph, line breaks are layout only, except before list items.
    let current: Block | null = null;
    for (const line of lines) {
      const heading = MARKDOWN_HEADING.exec(line);
      if (heading) {
        if (current) blocks.push(current);
        current = null;
        const text = heading[2]!.trim();
        blocks.push({
          kind: "heading",
          text,
          level: heading[1]!.length,
          explicit: true,
          pageStart: page.page,
          pageEnd: page.page,
        });
        continue;
      }
      if (LIST_ITEM.test(line) || !current) {
        if (current) blocks.push(current);
        const kind = LIST_ITEM.test(line) ? "list-item" : "paragraph";
        current = { kind, text: line, level: 0, pageStart: page.page, pageEnd: page.page };
      } else {
        current.text += ` ${line}`;
      }
    }
    if (current) blocks.push(current);
  }
  return blocks;
}

/**
 * Rejoins text cut by a page break or a layout gap: a paragraph (or a guessed
 * heading, which is then just a short line) without final punctuation followed
 * by a paragraph starting in lowercase is one paragraph.
 */
function documentBlocks(pages: PageText[]): Block[] {
  const out: Block[] = [];
  for (const page of pages) {
    for (const block of pageBlocks(page)) {
      const previous = out[out.length - 1];
      if (
        previous &&
        block.kind === "paragraph" &&
        (previous.kind === "paragraph" || (previous.kind === "heading" && !previous.explicit)) &&
        !TERMINAL.test(previous.text) &&
        /^\p{Ll}/u.test(block.text)
      ) {
        previous.kind = "paragraph";
        previous.text += ` ${block.text}`;
        previous.pageEnd = block.pageEnd;
        continue;
      }
      out.push({ ...block });
    }
  }
  return out;
}

/** Splits an over-long sentence into word-aligned pieces of at most `limit` tokens. */
function splitOnWords(sentence: string, limit: number, count: (text: string) => number): string[] {
  const words = sentence.split(/\s+/).filter(Boolean);
  const pieces: string[] = [];
  let current: string[] = [];
  for (const word of words) {
    const candidate = [...current, word].join(" ");
    if (current.length > 0 && count(candidate) > limit) {
      pieces.push(current.join(" "));
      current = [word];
    } else {
      current.push(word);
    }
  }
  if (current.length > 0) pieces.push(current.join(" "));
  // A single "word" longer than the limit (e.g. a huge URL) is cut on characters: still lossless.
  return pieces.flatMap((piece) => {
    if (count(piece) <= limit) return [piece];
    const parts: string[] = [];
    const size = Math.max(1, Math.floor((piece.length * limit) / count(piece)));
    for (let i = 0; i < piece.length; i += size) parts.push(piece.slice(i, i + size));
    return parts;
  });
}

function buildUnits(
  pages: PageText[],
  options: { title?: string; maxUnitTokens: number; count: (text: string) => number },
): Unit[] {
  const units: Unit[] = [];
  const headings: Array<{ level: number; text: string }> = [];
  const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
  const path = () => {
    const texts = headings.map((h) => h.text);
    // The first heading usually repeats the title.
    if (options.title && texts[0] !== undefined && sameText(texts[0], options.title)) texts.shift();
    return [...(options.title ? [options.title] : []), ...texts];
  };
  let previousKind: Block["kind"] | null = null;
  for (const block of documentBlocks(pages)) {
    const pagesOf = { pageStart: block.pageStart, pageEnd: block.pageEnd };
    if (block.kind === "heading") {
      while (headings.length > 0 && headings[headings.length - 1]!.level >= block.level) {
        headings.pop();
      }
      headings.push({ level: block.level, text: block.text });
      units.push({
        kind: "heading",
        text: block.text,
        tokens: options.count(block.text),
        ...pagesOf,
        headingPath: path(),
        before: "\n\n",
      });
      previousKind = "heading";
      continue;
    }
    const firstSeparator: Separator =
      block.kind === "list-item" && previousKind === "list-item" ? "\n" : "\n\n";
    splitSentences(block.text).forEach((sentence, i) => {
      const before = i === 0 ? firstSeparator : " ";
      const tokens = options.count(sentence);
      if (tokens <= options.maxUnitTokens) {
        units.push({
          kind: "sentence",
          text: sentence,
          tokens,
          ...pagesOf,
          headingPath: path(),
          before,
        });
        return;
      }
      splitOnWords(sentence, options.maxUnitTokens, options.count).forEach((piece, j) => {
        units.push({
          kind: "piece",
          text: piece,
          tokens: options.count(piece),
          ...pagesOf,
          headingPath: path(),
          before: j === 0 ? before : " ",
        });
      });
    });
    previousKind = block.kind;
  }
  return units;
}

function joinUnits(units: Unit[]): string {
  return units.map((unit, i) => (i === 0 ? unit.text : `${unit.before}${unit.text}`)).join("");
}

/** Trailing sentences of a chunk, about `budget` tokens, that start the next one. */
function overlapTail(units: Unit[], budget: number): Unit[] {
  const tail: Unit[] = [];
  let total = 0;
  for (let i = units.length - 1; i >= 0; i--) {
    const unit = units[i]!;
    if (unit.kind === "heading") break;
    // Accept the sentence that overshoots when that lands closer to the budget.
    if (
      total + unit.tokens > budget &&
      Math.abs(total + unit.tokens - budget) > Math.abs(budget - total)
    ) {
      break;
    }
    tail.unshift(unit);
    total += unit.tokens;
    if (total >= budget) break;
  }
  // Never repeat a whole chunk.
  return tail.length === units.length ? tail.slice(1) : tail;
}

/** Chunks a document's cleaned pages. Returns no chunk for a document without text. */
export function chunkPages(pages: PageText[], options: ChunkOptions): Chunk[] {
  const target = options.targetTokens ?? DEFAULT_TARGET_TOKENS;
  const overlapBudget = Math.round(target * (options.overlapRatio ?? DEFAULT_OVERLAP_RATIO));
  const count = options.countTokens ?? countTokens;
  // Room for the overlap, so a chunk made of overlap + one piece stays near the target.
  const maxUnitTokens = Math.max(16, target - overlapBudget);
  const units = buildUnits(pages, { title: options.title, maxUnitTokens, count });

  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let currentTokens = 0;
  /** Units at the start of `current` repeated from the previous chunk. */
  let carried = 0;
  const ownContent = () => current.slice(carried).some((unit) => unit.kind !== "heading");

  const flush = (withOverlap: boolean) => {
    // A heading belongs with the text after it, not at the end of a chunk.
    const trailingHeadings: Unit[] = [];
    while (current.length > carried && current[current.length - 1]!.kind === "heading") {
      trailingHeadings.unshift(current.pop()!);
    }
    groups.push(current);
    const tail =
      withOverlap && trailingHeadings.length === 0 ? overlapTail(current, overlapBudget) : [];
    current = [...tail, ...trailingHeadings];
    carried = tail.length;
    currentTokens = current.reduce((sum, unit) => sum + unit.tokens, 0);
  };

  for (const unit of units) {
    if (unit.kind === "heading" && ownContent() && currentTokens >= target * 0.25) {
      // New section: start a fresh chunk, no overlap across sections.
      flush(false);
    } else if (currentTokens + unit.tokens > target && ownContent()) {
      flush(true);
    }
    if (currentTokens + unit.tokens > target && carried > 0 && !ownContent()) {
      // The overlap leaves no room for this unit: drop the overlap rather than exceed the target.
      current = current.slice(carried);
      carried = 0;
      currentTokens = current.reduce((sum, u) => sum + u.tokens, 0);
    }
    current.push(unit);
    currentTokens += unit.tokens;
  }
  if (ownContent() || (groups.length === 0 && current.length > 0)) groups.push(current);

  return groups
    .filter((group) => group.length > 0)
    .map((group, ordinal) => {
      const text = joinUnits(group);
      const firstOwn = group.find((unit) => unit.kind !== "heading") ?? group[0]!;
      return {
        ordinal,
        text,
        pageStart: Math.min(...group.map((unit) => unit.pageStart)),
        pageEnd: Math.max(...group.map((unit) => unit.pageEnd)),
        tokens: count(text),
        headingPath: firstOwn.headingPath,
        contentHash: chunkContentHash(text, options.embeddingModel),
        splitSentence: group.some((unit) => unit.kind === "piece"),
      };
    })
    .filter((chunk) => chunk.text.trim().length > 0)
    .map((chunk, ordinal) => ({ ...chunk, ordinal }));
}
