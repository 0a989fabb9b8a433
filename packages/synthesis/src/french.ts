// Small French typography helpers shared by the local writer, the offer reasons
// and the prompts, so every figure and quote reads the same everywhere.

/** No-break space: keeps "62 %" and « … » together when text wraps (PDF, email). */
export const NBSP = "\u00a0";

/**
 * The single percentage format of the product: integer, no-break space, "%".
 * Percentages are integers by contract (zDomainScore.percent), so anything else is a bug.
 */
export function formatPercent(value: number): string {
  if (!Number.isInteger(value))
    throw new RangeError(`formatPercent expects an integer, got ${value}`);
  return `${value}${NBSP}%`;
}

/** French quotation marks with the no-break spaces they require. */
export function quote(text: string): string {
  return `«${NBSP}${text}${NBSP}»`;
}

/** Hours as French write them: "2 h", "1,5 h". */
export function formatHours(hours: number): string {
  const rounded = Math.round(hours * 10) / 10;
  return `${String(rounded).replace(".", ",")}${NBSP}h`;
}

const vowelSound = /^[aeiouyàâäéèêëîïôöùûüœæh]/i;

/** Whether "de", "que", "le"… must elide before this word (mute h assumed). */
export function startsWithVowelSound(word: string): boolean {
  return vowelSound.test(word.trim());
}

/** "de Léa" / "d’Inès", "que Léa" / "qu’Inès". */
export function elide(particle: "de" | "que" | "le" | "la", word: string): string {
  if (!startsWithVowelSound(word)) return `${particle} ${word}`;
  const stem = particle === "que" ? "qu" : particle.slice(0, -1);
  return `${stem}’${word}`;
}

/** "a", "a et b", "a, b et c". */
export function joinList(items: readonly string[], conjunction = "et"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase("fr-FR") + text.slice(1);
}

/** Lower-case, accent-free form used to match labels and keywords in free text. */
export function normalizeForMatch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[’']/g, "'");
}
