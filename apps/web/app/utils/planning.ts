// The student's planning settings as the staff form edits them (holiday zone, weekly
// availability) and as the pages word them. Pure; the server checks the same bounds
// (convex/model/students.ts checkWeeklyAvailability).
import type { HolidayZone } from "@nexus/shared/school-calendar";

export const MAX_WEEKLY_HOURS = 40;

/** The select's options: a zone, or none (no holidays skipped in the dated plan). */
export const zoneOptions: { value: HolidayZone | ""; label: string }[] = [
  { value: "A", label: "Zone A" },
  { value: "B", label: "Zone B" },
  { value: "C", label: "Zone C" },
  { value: "", label: "Aucune (pas de vacances sautées)" },
];

/** « Zone C », or « Aucune » when the zone is not set. */
export function zoneLabel(zone: HolidayZone | undefined): string {
  return zone ? `Zone ${zone}` : "Aucune";
}

/** « 3,5 h par semaine », or « Non indiquée ». */
export function availabilityLabel(hours: number | undefined): string {
  if (hours === undefined) return "Non indiquée";
  return `${String(hours).replace(".", ",")}\u00a0h par semaine`;
}

export type ParsedHours = { ok: true; hours: number | null } | { ok: false; message: string };

/**
 * The hours typed in the form: empty is « not stated » (null), « 3,5 » and « 3.5 » are
 * 3.5; anything else, or out of 0,5–40 h in half hours, is refused with the server's words.
 */
export function parseWeeklyHours(raw: string): ParsedHours {
  const text = raw.trim().replace(",", ".");
  if (text === "") return { ok: true, hours: null };
  const hours = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(hours > 0 && hours <= MAX_WEEKLY_HOURS && Number.isInteger(hours * 2))) {
    return {
      ok: false,
      message: `La disponibilité hebdomadaire s'indique en heures ou demi-heures, de 0,5 à ${MAX_WEEKLY_HOURS} h.`,
    };
  }
  return { ok: true, hours };
}
