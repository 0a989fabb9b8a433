// French-aware sentence splitter: a period ends a sentence only when followed by
// a space and a capital (or digit, quote, dash), and not after an abbreviation
// ("M.", "p. ex.", "cf.", "fig."), an initial, or a list number at line start.
// Decimals ("3,5", "3.5") never split because no space follows the separator.

const ABBREVIATIONS = new Set([
  "m",
  "mm",
  "mme",
  "mmes",
  "mlle",
  "mlles",
  "dr",
  "pr",
  "me",
  "st",
  "ste",
  "p",
  "pp",
  "ex",
  "cf",
  "env",
  "vol",
  "chap",
  "fig",
  "éd",
  "art",
  "av",
  "apr",
  "hab",
  "min",
  "max",
  "approx",
  "coef",
  "resp",
  "éq",
  "cad",
  "c.-à-d",
  "c-à-d",
  "i.e",
  "e.g",
  "j.-c",
  "n",
  "no",
  "tél",
  "vs",
  "etc",
]);

/** Abbreviations after which a capital letter still never starts a sentence. */
const ALWAYS_ATTACHED = new Set([
  "m",
  "ex",
  "mm",
  "mme",
  "mmes",
  "mlle",
  "mlles",
  "dr",
  "pr",
  "me",
  "st",
  "ste",
  "cf",
  "p",
  "pp",
  "fig",
  "chap",
  "art",
  "vol",
]);

// French closing guillemets follow a space: "« Stop. »".
const BOUNDARY = /([.!?…]+)((?: ?["»”’')\]])*)(\s+)/gu;
const SENTENCE_START = /^["«“'(\-–—•\p{Lu}\p{N}]/u;

function wordBefore(text: string, end: number): string {
  const match = /([\p{L}\p{N}.'’-]+)$/u.exec(text.slice(Math.max(0, end - 30), end));
  return (match?.[1] ?? "").replace(/^.*['’]/u, "");
}

function isBoundary(text: string, punctuation: string, index: number, nextIndex: number): boolean {
  const next = text.slice(nextIndex, nextIndex + 1);
  if (!next || !SENTENCE_START.test(next)) return false;
  if (punctuation !== ".") return true;
  const word = wordBefore(text, index);
  const lower = word.toLowerCase();
  if (!word) return true;
  // Initials: "J. Dupont", "A. B."
  if (/^\p{L}$/u.test(word)) return false;
  if (ALWAYS_ATTACHED.has(lower)) return false;
  // "etc." and friends end a sentence when a capital follows, except when clearly a list marker.
  if (ABBREVIATIONS.has(lower) && /^\p{N}/u.test(next)) return false;
  if (ABBREVIATIONS.has(lower) && lower !== "etc" && !/^\p{Lu}/u.test(next)) return false;
  // "1. Le second degré" at the start of the text is a list marker.
  if (/^\p{N}+$/u.test(word) && text.slice(0, index - word.length).trim() === "") return false;
  return true;
}

/** Splits a paragraph into sentences; concatenating them with single spaces restores it. */
export function splitSentences(paragraph: string): string[] {
  const text = paragraph.replace(/\s+/g, " ").trim();
  if (!text) return [];
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const punctuation = match[1]!;
    const index = match.index;
    const nextIndex = index + match[0].length;
    if (isBoundary(text, punctuation, index, nextIndex)) {
      sentences.push(text.slice(start, index + punctuation.length + match[2]!.length).trim());
      start = nextIndex;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) sentences.push(rest);
  return sentences.filter((sentence) => sentence.length > 0);
}
