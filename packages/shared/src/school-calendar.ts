// French school holidays (metropolitan zones A, B, C) and the dated study plan built on them.
// Pure and offline: the calendar is data, below, with its source. Dates are calendar days
// (ISO "YYYY-MM-DD", Europe/Paris); a holiday period runs from its first day off (the Saturday
// after the last class) to the day before classes resume.
//
// Zones (since 2016): A = Besançon, Bordeaux, Clermont-Ferrand, Dijon, Grenoble, Limoges, Lyon,
// Poitiers; B = Aix-Marseille, Amiens, Lille, Nancy-Metz, Nantes, Nice, Normandie, Orléans-Tours,
// Reims, Rennes, Strasbourg; C = Créteil, Montpellier, Paris, Toulouse, Versailles.
import { z } from "zod";

export const holidayZones = ["A", "B", "C"] as const;
export const zHolidayZone = z.enum(holidayZones);
export type HolidayZone = z.infer<typeof zHolidayZone>;

export interface HolidayPeriod {
  name: string;
  /** First day without class (usually a Saturday). */
  from: string;
  /** Last day without class (the day before classes resume). */
  to: string;
  /** Zones concerned; absent: every zone. */
  zones?: readonly HolidayZone[];
}

export interface SchoolYearCalendar {
  year: string;
  /** Where the dates come from, and whether they are the published official ones. */
  source: string;
  official: boolean;
  periods: readonly HolidayPeriod[];
}

/**
 * 2026-2027: calendrier scolaire national fixed by arrêté of the ministère de l'Éducation
 * nationale (published on education.gouv.fr, « Calendrier scolaire » page), transcribed by
 * hand; classes resume on the day after `to`.
 * 2027-2028: at the time of writing no arrêté for that year could be consulted (the work is
 * offline): the periods follow the usual pattern (two weeks at Toussaint, two at Christmas,
 * zones staggered by one week in winter and spring) and are marked `official: false`; replace
 * them with the published dates when the arrêté is out, and set `official: true`.
 */
export const schoolCalendars: readonly SchoolYearCalendar[] = [
  {
    year: "2026-2027",
    source: "Arrêté fixant le calendrier scolaire de l'année 2026-2027 (education.gouv.fr)",
    official: true,
    periods: [
      { name: "vacances de la Toussaint", from: "2026-10-17", to: "2026-11-01" },
      { name: "vacances de Noël", from: "2026-12-19", to: "2027-01-03" },
      { name: "vacances d'hiver", from: "2027-02-13", to: "2027-02-28", zones: ["A"] },
      { name: "vacances d'hiver", from: "2027-02-20", to: "2027-03-07", zones: ["B"] },
      { name: "vacances d'hiver", from: "2027-02-06", to: "2027-02-21", zones: ["C"] },
      { name: "vacances de printemps", from: "2027-04-10", to: "2027-04-25", zones: ["A"] },
      { name: "vacances de printemps", from: "2027-04-17", to: "2027-05-02", zones: ["B"] },
      { name: "vacances de printemps", from: "2027-04-03", to: "2027-04-18", zones: ["C"] },
      { name: "pont de l'Ascension", from: "2027-05-06", to: "2027-05-09" },
      { name: "vacances d'été", from: "2027-07-03", to: "2027-08-31" },
    ],
  },
  {
    year: "2027-2028",
    source:
      "Calendrier prévisionnel (arrêté 2027-2028 non consulté) : à remplacer par les dates publiées",
    official: false,
    periods: [
      { name: "vacances de la Toussaint", from: "2027-10-16", to: "2027-11-01" },
      { name: "vacances de Noël", from: "2027-12-18", to: "2028-01-02" },
      { name: "vacances d'hiver", from: "2028-02-05", to: "2028-02-20", zones: ["B"] },
      { name: "vacances d'hiver", from: "2028-02-12", to: "2028-02-27", zones: ["C"] },
      { name: "vacances d'hiver", from: "2028-02-19", to: "2028-03-05", zones: ["A"] },
      { name: "vacances de printemps", from: "2028-04-01", to: "2028-04-16", zones: ["B"] },
      { name: "vacances de printemps", from: "2028-04-08", to: "2028-04-23", zones: ["C"] },
      { name: "vacances de printemps", from: "2028-04-15", to: "2028-04-30", zones: ["A"] },
      { name: "pont de l'Ascension", from: "2028-05-25", to: "2028-05-28" },
      { name: "vacances d'été", from: "2028-07-01", to: "2028-08-31" },
    ],
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

const parisDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar day of an instant in Paris, as a day number (days since 1970-01-01). */
export function parisDayNumber(epochMs: number): number {
  return isoToDay(parisDate.format(new Date(epochMs)));
}

export function isoToDay(iso: string): number {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday. */
function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Holiday periods of a zone overlapping [fromDay, toDay]. */
export function holidaysFor(zone: HolidayZone, fromDay: number, toDay: number): HolidayPeriod[] {
  return schoolCalendars
    .flatMap((c) => c.periods)
    .filter((p) => p.zones === undefined || p.zones.includes(zone))
    .filter((p) => isoToDay(p.from) <= toDay && isoToDay(p.to) >= fromDay);
}

/** Does the calendar cover this day (a school year whose dates are encoded)? */
export function calendarCovers(day: number): boolean {
  const days = schoolCalendars.flatMap((c) => c.periods.map((p) => isoToDay(p.to)));
  const first = isoToDay("2026-09-01");
  return day >= first && day <= Math.max(...days);
}

export interface PlanWeekDates {
  week: number;
  /** Monday and Sunday of the week, as day numbers (see dayToIso). */
  startDay: number;
  endDay: number;
}

export interface DatedPlan {
  weeks: PlanWeekDates[];
  /** Weeks passed over because they fall in school holidays (name of the period). */
  skipped: { startDay: number; endDay: number; holiday: string }[];
  /** With a zone, holidays are skipped; without one, nothing is (the reader is told). */
  holidays: "skipped" | "no-zone";
  /** Some weeks fall outside the encoded school years: their holidays are unknown. */
  beyondCalendar: boolean;
}

/**
 * Dates for a plan of `weeks` weeks starting the Monday after `startMs` (Paris day). With a
 * zone, a week of which at least 4 school days (Monday–Friday) are holidays of that zone is
 * skipped and the plan goes on the following week; without a zone nothing is skipped
 * (`holidays: "no-zone"`), and weeks beyond the encoded calendar are never skipped
 * (`beyondCalendar`).
 */
export function datePlanWeeks(
  weeks: number,
  startMs: number,
  zone: HolidayZone | undefined,
): DatedPlan {
  const today = parisDayNumber(startMs);
  let monday = today + ((7 - weekday(today)) % 7 || 7);
  const out: PlanWeekDates[] = [];
  const skipped: DatedPlan["skipped"] = [];
  let outside = false;
  // Bounded: at most 12 skipped weeks (summer) on top of the plan.
  for (let guard = 0; out.length < weeks && guard < weeks + 12; guard++) {
    const sunday = monday + 6;
    if (zone) {
      if (!calendarCovers(monday)) outside = true;
      const holidays = holidaysFor(zone, monday, sunday);
      const off = holidays.length
        ? [0, 1, 2, 3, 4].filter((i) =>
            holidays.some((h) => isoToDay(h.from) <= monday + i && isoToDay(h.to) >= monday + i),
          ).length
        : 0;
      if (off >= 4) {
        skipped.push({ startDay: monday, endDay: sunday, holiday: holidays[0]!.name });
        monday += 7;
        continue;
      }
    }
    out.push({ week: out.length + 1, startDay: monday, endDay: sunday });
    monday += 7;
  }
  return { weeks: out, skipped, holidays: zone ? "skipped" : "no-zone", beyondCalendar: outside };
}

const monthNames = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];

function dayMonth(day: number): { d: string; m: string; y: number } {
  const date = new Date(day * DAY_MS);
  const d = date.getUTCDate();
  return {
    d: d === 1 ? "1er" : String(d),
    m: monthNames[date.getUTCMonth()]!,
    y: date.getUTCFullYear(),
  };
}

/** « du 12 au 18 octobre », « du 26 octobre au 1er novembre », « du 28 déc. 2026 au 3 janvier 2027 ». */
export function formatWeekRangeFr(startDay: number, endDay: number): string {
  const a = dayMonth(startDay);
  const b = dayMonth(endDay);
  if (a.y !== b.y) return `du ${a.d} ${a.m} ${a.y} au ${b.d} ${b.m} ${b.y}`;
  if (a.m === b.m) return `du ${a.d} au ${b.d} ${b.m}`;
  return `du ${a.d} ${a.m} au ${b.d} ${b.m}`;
}

/** « 12 octobre 2026 » for a day number. */
export function formatDayFr(day: number): string {
  const { d, m, y } = dayMonth(day);
  return `${d} ${m} ${y}`;
}
