// Text cleaning between extraction and chunking: Unicode NFC, whitespace,
// repeated headers/footers, and words hyphenated across line ends.

export interface PageText {
  page: number;
  text: string;
}

export interface CleanOptions {
  /** A line is a header/footer when found at the top/bottom of at least this share of pages. */
  repeatedLineRatio?: number;
  /** Header/footer detection needs at least this many pages. */
  minPagesForRepeats?: number;
  /** How many lines at each end of a page are candidates. */
  edgeLines?: number;
}

/**
 * Second halves that, after a line-end hyphen, show a real compound rather than
 * a word cut in two ("peut-\nêtre", "celui-\nci", "dit-\nil", "c'est-à-\ndire").
 */
const COMPOUND_SECOND_PARTS = new Set([
  "être",
  "ci",
  "là",
  "même",
  "mêmes",
  "il",
  "ils",
  "elle",
  "elles",
  "on",
  "t",
  "je",
  "tu",
  "nous",
  "vous",
  "moi",
  "toi",
  "lui",
  "leur",
  "eux",
  "y",
  "en",
  "le",
  "la",
  "les",
  "dire",
  "dessus",
  "dessous",
  "delà",
  "deçà",
  "clé",
  "clés",
  "ce",
]);

/** First halves that usually start a hyphenated compound ("sous-\nensemble", "demi-\ndroite"). */
const COMPOUND_FIRST_PARTS = new Set([
  "sous",
  "demi",
  "semi",
  "mi",
  "non",
  "contre",
  "arrière",
  "avant",
  "après",
  "arc",
  "vice",
  "ex",
  "grand",
  "grande",
  "porte",
  "est",
  "celui",
  "celle",
  "ceux",
  "celles",
  "quelques",
  "peut",
]);

const WORD = "\\p{L}[\\p{L}\\p{M}'’]*";
const HYPHEN_AT_EOL = new RegExp(
  `(${WORD})-[ \\t]*\\n[ \\t]*(\\p{L}[\\p{L}\\p{M}]*)([.,;:!?)»]*)[ \\t]*`,
  "gu",
);

function lastWord(part: string): string {
  const pieces = part.toLowerCase().split(/['’]/);
  return pieces[pieces.length - 1] ?? part.toLowerCase();
}

/** Word forms of the whole document, to prefer the spelling the document itself uses. */
function vocabulary(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*/gu) ?? []);
}

/**
 * Joins words split at line ends: "impor-\ntant" → "important", while keeping
 * real compounds: "peut-\nêtre" → "peut-être". The document's own vocabulary wins,
 * then the compound word lists, then joining (the common case in typeset text).
 */
export function dehyphenate(text: string, knownWords: Set<string> = vocabulary(text)): string {
  return text.replace(
    HYPHEN_AT_EOL,
    (_match, first: string, second: string, punctuation: string) => {
      const a = lastWord(first);
      const b = second.toLowerCase();
      let keepHyphen: boolean;
      if (knownWords.has(`${a}-${b}`)) keepHyphen = true;
      else if (knownWords.has(`${a}${b}`)) keepHyphen = false;
      else
        keepHyphen =
          COMPOUND_SECOND_PARTS.has(b) ||
          COMPOUND_FIRST_PARTS.has(a) ||
          /^\p{Lu}/u.test(second) || // "Jean-\nPierre", "Île-de-\nFrance"
          /^\p{Lu}+$/u.test(first); // acronyms: "PDF-\nA"
      // The rest of the second line stays on its own line.
      return `${first}${keepHyphen ? "-" : ""}${second}${punctuation}\n`;
    },
  );
}

/** NFC, unified spaces and line ends, trimmed lines, at most one blank line in a row. */
export function normalizeWhitespace(text: string): string {
  return (
    text
      .normalize("NFC")
      .replace(/\r\n?/g, "\n")
      // Soft hyphens and zero-width characters carry nothing once extracted.
      .replace(/\u00ad|\u200b|\u200c|\u200d|\ufeff/g, "")
      // Tabs, no-break and thin spaces (French typography) become plain spaces.
      .replace(/[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g, " ")
      .replace(/[\u2028\u2029]/g, "\n")
      .replace(/ {2,}/g, " ")
      .split("\n")
      .map((line) => line.trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim()
  );
}

/** Line identity for header/footer detection: page numbers and dates vary, so digits are masked. */
function lineKey(line: string): string {
  return line
    .replace(/^#+\s*/, "")
    .toLowerCase()
    .replace(/\d+/g, "#")
    .replace(/\s+/g, " ")
    .trim();
}

function nonEmptyLineIndexes(lines: string[]): number[] {
  return lines.flatMap((line, index) => (line.trim() ? [index] : []));
}

/** Removes lines repeated at the top or bottom of most pages (running headers, page numbers). */
export function removeRepeatedEdges(pages: PageText[], options: CleanOptions = {}): PageText[] {
  const ratio = options.repeatedLineRatio ?? 0.6;
  const minPages = options.minPagesForRepeats ?? 2;
  const edge = options.edgeLines ?? 2;
  if (pages.length < minPages) return pages;

  const split = pages.map((page) => page.text.split("\n"));
  const edgeIndexes = split.map((lines) => {
    const filled = nonEmptyLineIndexes(lines);
    // Short pages: edges never reach into the middle third.
    const size = Math.min(edge, Math.floor(filled.length / 3));
    return {
      top: filled.slice(0, size),
      bottom: size > 0 ? filled.slice(filled.length - size) : [],
    };
  });
  const counts = { top: new Map<string, number>(), bottom: new Map<string, number>() };
  split.forEach((lines, p) => {
    for (const zone of ["top", "bottom"] as const) {
      const keys = new Set(edgeIndexes[p]![zone].map((i) => lineKey(lines[i]!)));
      for (const key of keys) counts[zone].set(key, (counts[zone].get(key) ?? 0) + 1);
    }
  });
  const threshold = Math.max(minPages, Math.ceil(pages.length * ratio));
  const repeated = (zone: "top" | "bottom", key: string) =>
    key.length > 0 && (counts[zone].get(key) ?? 0) >= threshold;

  return pages.map((page, p) => {
    const lines = split[p]!;
    const drop = new Set<number>();
    for (const zone of ["top", "bottom"] as const) {
      for (const i of edgeIndexes[p]![zone]) if (repeated(zone, lineKey(lines[i]!))) drop.add(i);
    }
    if (drop.size === 0) return page;
    return { ...page, text: lines.filter((_, i) => !drop.has(i)).join("\n") };
  });
}

/** Full cleaning of a document's pages, in the order that keeps each step reliable. */
export function cleanPages<P extends PageText>(pages: P[], options: CleanOptions = {}): P[] {
  const normalized = pages.map((page) => ({ ...page, text: normalizeWhitespace(page.text) }));
  const withoutEdges = removeRepeatedEdges(normalized, options) as P[];
  const known = vocabulary(withoutEdges.map((page) => page.text).join("\n"));
  return withoutEdges.map((page) => ({
    ...page,
    text: normalizeWhitespace(dehyphenate(page.text, known)),
  }));
}
