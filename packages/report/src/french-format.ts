// French formatting of what the report prints: dates in Europe/Paris, decimal
// commas, percentages and hours with a non-breaking space before the unit.
const NBSP = "\u00A0";

const dateFormat = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "numeric",
  month: "long",
  year: "numeric",
});

const numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

/** « 21 novembre 2026 », « 1er mars 2027 » (French ordinal for the first day). */
export function formatDateFr(epochMs: number): string {
  return dateFormat
    .formatToParts(new Date(epochMs))
    .map((part) => (part.type === "day" && part.value === "1" ? "1er" : part.value))
    .join("");
}

/** « 12,5 » — at most one decimal, decimal comma. */
export function formatNumberFr(value: number): string {
  return numberFormat.format(value);
}

/** « 65 % » with a non-breaking space, so the sign never starts a line. */
export function formatPercentFr(percent: number): string {
  return `${percent}${NBSP}%`;
}

/** « 1,5 h » */
export function formatHoursFr(hours: number): string {
  return `${formatNumberFr(hours)}${NBSP}h`;
}

/**
 * French typography: the space before « : ; ! ? % € » and inside « » becomes
 * non-breaking, so a line never starts with a colon or a closing guillemet.
 */
export function withFrenchSpacing(text: string): string {
  return text
    .replace(/[ \t]+([:;!?»%€])/g, `${NBSP}$1`)
    .replace(/«[ \t]+/g, `«${NBSP}`)
    .replace(/(\d)[ \t]+h\b/g, `$1${NBSP}h`);
}
