// French wording of the coach pages: dates, names of the people present, revision origins.
// Pure and browser-safe; dates in Europe/Paris so the server and the browser render the same.
import type { Role } from "@nexus/shared/domain";
import { formatClockFr } from "@nexus/shared/french-time";
import { roleLabels } from "~/utils/roles";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "numeric",
  minute: "numeric",
  hourCycle: "h23",
});

const dateOnly = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "numeric",
  month: "long",
  year: "numeric",
});

function firstOfMonth(day: string): string {
  return day === "1" ? "1er" : day;
}

/** « 3 décembre 2026 à 14 h 05 », « 1er décembre 2026 à 9 h » (Paris time). */
export function formatDateTimeFr(at: number): string {
  const parts = Object.fromEntries(
    dateTime.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
  );
  const clock = formatClockFr(Number(parts.hour), Number(parts.minute));
  return `${firstOfMonth(parts.day ?? "")} ${parts.month} ${parts.year} à ${clock}`;
}

/** « 3 décembre 2026 », « 1er décembre 2026 ». */
export function formatDateFr(at: number): string {
  return dateOnly
    .formatToParts(new Date(at))
    .map((part) => (part.type === "day" ? firstOfMonth(part.value) : part.value))
    .join("");
}

/** « Claire », « Claire et Julien », « Claire, Julien et Nadia ». */
export function joinNamesFr(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} et ${names[names.length - 1]}`;
}

/** The presence line, or null when the coach is alone on the page. */
export function othersPresentLabel(
  people: readonly { name: string; isMe: boolean }[],
): string | null {
  const others = [...new Set(people.filter((p) => !p.isMe).map((p) => p.name))];
  if (others.length === 0) return null;
  return `Également sur cette page : ${joinNamesFr(others)}`;
}

/** A revision's origin, for the history: « Modifiée par Julien Moreau (coach) ». */
export function revisionLabel(
  revision: {
    source: "generated" | "edited";
    authorId?: string;
    author?: { name: string; role?: Role };
  },
  me: string,
): string {
  if (revision.source === "generated") return "Générée automatiquement";
  if (revision.authorId === me) return "Modifiée par vous";
  const { author } = revision;
  // The author's account no longer exists.
  if (!author) return "Modifiée par un membre de l'équipe";
  const role = author.role ? ` (${roleLabels[author.role].toLocaleLowerCase("fr-FR")})` : "";
  return `Modifiée par ${author.name}${role}`;
}

/** « 3 pages » style plurals for the few counters the pages show. */
export function pluralFr(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count > 1 ? plural : singular}`;
}

/** « p. 4 » or « p. 4-5 ». */
export function pagesLabel(pageStart: number, pageEnd: number = pageStart): string {
  return pageEnd > pageStart ? `p. ${pageStart}-${pageEnd}` : `p. ${pageStart}`;
}
