// Small French text helpers for the offline tutor: folded content terms (accents, case,
// stopwords, plurals), sentence splitting of extracted course text, and the masking of
// results in a Socratic hint. No Node built-ins.

const STOPWORDS = new Set(
  (
    "a à au aux avec ce ces cet cette c d dans de des du elle elles en est et être eu il ils " +
    "je j l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou où " +
    "par pas pour qu que qui s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre " +
    "vous y comme plus moins très tout tous toute toutes aussi donc alors quand dont cela ça " +
    "quel quelle quels quelles comment pourquoi faut peut doit avoir fait faire etre " +
    "bonjour merci stp svp aide aider explique expliquer explique-moi moi peux veux sais " +
    "quoi combien calculer calcule trouver trouve donne donner réponse question exercice " +
    "c'est qu'est qu'est-ce est-ce ceci celle celui deux dis dit dire utiliser entre avec"
  )
    .split(/\s+/)
    .map(fold),
);

export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .toLowerCase();
}

/** Plural, feminine and common verb/noun endings: « dériver », « dérivée », « dérivable » → « deriv ». */
const SUFFIXES = [
  "ations",
  "ation",
  "ements",
  "ement",
  "ables",
  "able",
  "ees",
  "ee",
  "er",
  "es",
  "e",
];

function stem(word: string): string {
  let s = word;
  if (s.length > 4 && /(?:s|x)$/.test(s)) s = s.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (s.endsWith(suffix) && s.length - suffix.length >= 4) return s.slice(0, -suffix.length);
  }
  return s;
}

/** Content terms of a text: folded words of 2+ letters, no stopwords, lightly stemmed. */
export function terms(text: string): string[] {
  const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => w.length >= 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w)).map(stem);
}

/** Sentences and list items of extracted text, trimmed, headings kept as their own line. */
export function sentences(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n+|(?<=[.!?;])\s+(?=[A-ZÀ-ÖØ-Þ0-9«(])/u)
    .map((s) =>
      s
        .replace(/^[-•*]\s*/, "")
        .replace(/\s+/g, " ")
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/** A line that is only a title (short, no verb-ish punctuation): « Nombre dérivé ». */
export function isHeading(sentence: string): boolean {
  return sentence.length < 60 && !/[.:;,=]/.test(sentence) && sentence.split(" ").length <= 8;
}

/** Numbers written in a text (integers and decimals, French comma or dot), normalised. */
export function numbersIn(text: string): string[] {
  return (text.match(/(?<![\p{L}\d])[−-]?\d+(?:[.,]\d+)?/gu) ?? []).map((n) =>
    n.replace("−", "-").replace(",", "."),
  );
}

/**
 * Hides what a hint must not give away: every value after « = », « vaut », « égal(e) à »,
 * « soit » or « donc » becomes « … », so a worked example shows the method, not its results.
 */
export function maskResults(sentence: string): string {
  return sentence.replace(
    /(=|\bvaut\b|\bégale? à\b|\bsoit\b|\bdonc\b)\s*([^,;.]*?\d[^,;.]*)(?=[,;.]|$)/giu,
    (_m, lead: string) => `${lead} …`,
  );
}
