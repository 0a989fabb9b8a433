// Dates as French pages show them, always in Paris time so the server render and the browser agree.
const dayFormat = new Intl.DateTimeFormat("fr-FR", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "Europe/Paris",
});

/** « 12 mars 2025 ». */
export function formatDayFr(ms: number): string {
  return dayFormat.format(new Date(ms));
}
