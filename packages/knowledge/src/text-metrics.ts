// OCR quality metrics: edit distance and character error rate.

/** Levenshtein distance over Unicode code points (two-row dynamic programming). */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** Character error rate after whitespace normalisation (and NFC). */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const norm = (text: string) => text.normalize("NFC").replace(/\s+/g, " ").trim();
  const ref = norm(reference);
  if (ref.length === 0) throw new RangeError("empty reference");
  return levenshtein(ref, norm(hypothesis)) / Array.from(ref).length;
}
