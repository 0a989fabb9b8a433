// Text normalisation shared by the local embedder and the lexical ranking:
// lowercase, accents folded, French stopwords removed, light plural stripping.
// No Node built-ins.

const STOPWORDS = new Set(
  (
    "a à au aux avec ce ces cet cette c d dans de des du elle elles en est et être eu il ils " +
    "je j l la le les leur leurs lui m ma mais me mes moi mon n ne nos notre nous on ont ou où " +
    "par pas pour qu que qui s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre " +
    "vous y comme plus moins tres tout tous toute toutes aussi donc alors quand dont cela ca " +
    "est-ce quel quelle quels quelles comment pourquoi faut peut doit avoir fait faire etre " +
    "the of and to in is are for on with"
  )
    .split(/\s+/)
    .map(foldAccents),
);

export function foldAccents(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .toLowerCase();
}

/** Crude French/English plural and feminine folding, enough for matching. */
export function lightStem(word: string): string {
  let stem = word;
  if (stem.length > 4 && /(?:s|x)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.length > 4 && stem.endsWith("e")) stem = stem.slice(0, -1);
  return stem;
}

/** Raw folded word tokens (letters and digits), stopwords included. */
export function wordTokens(text: string): string[] {
  return foldAccents(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Content terms: folded, stopwords removed, lightly stemmed. */
export function contentTerms(text: string): string[] {
  return wordTokens(text)
    .filter((word) => !STOPWORDS.has(word) && !(word.length === 1 && /\p{L}/u.test(word)))
    .map(lightStem);
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(foldAccents(word));
}
