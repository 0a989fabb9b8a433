// Dates as French pages show them, always in Paris time so the server render and the browser agree.
const dayFormat = new Intl.DateTimeFormat("fr-FR", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/Paris",
});

/** « 12 mars 2025 », « 1er décembre 2026 » (French writes the first of the month 1er). */
export function formatDayFr(ms: number): string {
  return dayFormat
    .formatToParts(new Date(ms))
    .map((part) => (part.type === "day" && part.value === "1" ? "1er" : part.value))
    .join("");
}
