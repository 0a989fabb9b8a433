// Coaching time rules, pure: sessions are stored as UTC epoch milliseconds and shown in
// Europe/Paris. A coach's weekly availability is written in Paris wall-clock time (« le mardi de
// 17 h à 19 h »), so the UTC instants of a slot move by an hour across a daylight-saving change
// while the wall-clock time stays put. All calendar arithmetic goes through @date-fns/tz.
import { TZDate } from "@date-fns/tz";
import { addDays, format, startOfDay, startOfWeek } from "date-fns";
import { fr } from "date-fns/locale";
import { z } from "zod";

export const PARIS = "Europe/Paris";
const MINUTE = 60_000;
const NBSP = "\u00A0";

/** A weekly window: ISO weekday (1 = lundi … 7 = dimanche), minutes since Paris midnight. */
export const zWeeklyWindow = z
  .object({
    weekday: z.number().int().min(1).max(7),
    startMinute: z.number().int().min(0).max(1440),
    endMinute: z.number().int().min(0).max(1440),
  })
  .refine((w) => w.endMinute > w.startMinute, "La fin doit être après le début.")
  .refine(
    (w) => w.startMinute % 30 === 0 && w.endMinute % 30 === 0,
    "Les horaires se donnent à la demi-heure.",
  );
export type WeeklyWindow = z.infer<typeof zWeeklyWindow>;

export interface Interval {
  start: number;
  end: number;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * The UTC instant of a Paris wall-clock time, or null when that time does not exist (the hour
 * skipped when clocks go forward).
 */
export function parisWallClock(
  year: number,
  month: number,
  day: number,
  minuteOfDay: number,
): number | null {
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  const date = new TZDate(year, month - 1, day, hour, minute, PARIS);
  if (date.getHours() !== hour || date.getMinutes() !== minute || date.getDate() !== day) {
    return null;
  }
  return date.getTime();
}

/** ISO weekday (1–7) of an instant in Paris. */
export function parisWeekday(epochMs: number): number {
  const d = new TZDate(epochMs, PARIS).getDay();
  return d === 0 ? 7 : d;
}

/** Midnight (Paris) of the Monday of the week holding `epochMs`, as a UTC instant. */
export function parisWeekStart(epochMs: number): number {
  return startOfWeek(new TZDate(epochMs, PARIS), { weekStartsOn: 1 }).getTime();
}

/** Midnight (Paris) of the day holding `epochMs`. */
export function parisDayStart(epochMs: number): number {
  return startOfDay(new TZDate(epochMs, PARIS)).getTime();
}

/** Midnight (Paris) `days` calendar days after the Paris day of `epochMs` (23, 24 or 25 h later). */
export function parisAddDays(epochMs: number, days: number): number {
  return startOfDay(addDays(new TZDate(epochMs, PARIS), days)).getTime();
}

/** « mardi 1 décembre 2026 à 14 h 30 » (Paris time). */
export function formatParisDateTime(epochMs: number): string {
  return `${format(new TZDate(epochMs, PARIS), "EEEE d MMMM yyyy", { locale: fr })} à ${formatParisTime(epochMs)}`;
}

/** « mardi 1 décembre » (Paris time). */
export function formatParisDay(epochMs: number): string {
  return format(new TZDate(epochMs, PARIS), "EEEE d MMMM", { locale: fr });
}

/** « 14 h 30 », « 9 h » (Paris time, non-breaking spaces). */
export function formatParisTime(epochMs: number): string {
  const d = new TZDate(epochMs, PARIS);
  const m = d.getMinutes();
  return `${d.getHours()}${NBSP}h${m === 0 ? "" : `${NBSP}${String(m).padStart(2, "0")}`}`;
}

/** « 17 h – 19 h 30 » for a weekly window. */
export function formatWindow(w: Pick<WeeklyWindow, "startMinute" | "endMinute">): string {
  const t = (m: number) =>
    `${Math.floor(m / 60)}${NBSP}h${m % 60 === 0 ? "" : `${NBSP}${String(m % 60).padStart(2, "0")}`}`;
  return `${t(w.startMinute)} – ${t(w.endMinute)}`;
}

export const weekdayLabels = [
  "lundi",
  "mardi",
  "mercredi",
  "jeudi",
  "vendredi",
  "samedi",
  "dimanche",
] as const;

export interface FreeSlotsInput {
  /** UTC range searched: slots starting in [from, to). */
  from: number;
  to: number;
  durationMinutes: number;
  availability: readonly WeeklyWindow[];
  /** Exceptions (holidays) and sessions already booked: no slot overlaps them. */
  blocked: readonly Interval[];
  /** Slots are offered every `stepMinutes` inside a window (30 by default). */
  stepMinutes?: number;
}

/** The free slot starts (UTC), ascending: inside a weekly window, overlapping nothing blocked. */
export function freeSlots(input: FreeSlotsInput): number[] {
  const step = input.stepMinutes ?? 30;
  const out: number[] = [];
  for (let day = parisDayStart(input.from); day < input.to; day = parisAddDays(day, 1)) {
    const local = new TZDate(day, PARIS);
    const weekday = parisWeekday(day);
    for (const w of input.availability) {
      if (w.weekday !== weekday) continue;
      for (let m = w.startMinute; m + input.durationMinutes <= w.endMinute; m += step) {
        const start = parisWallClock(local.getFullYear(), local.getMonth() + 1, local.getDate(), m);
        if (start === null || start < input.from || start >= input.to) continue;
        const slot = { start, end: start + input.durationMinutes * MINUTE };
        if (input.blocked.some((b) => overlaps(slot, b))) continue;
        out.push(start);
      }
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Whether [start, start + duration) lies inside one weekly window (Paris wall clock). */
export function insideAvailability(
  start: number,
  durationMinutes: number,
  availability: readonly WeeklyWindow[],
): boolean {
  const d = new TZDate(start, PARIS);
  const minuteOfDay = d.getHours() * 60 + d.getMinutes();
  const endMinute = minuteOfDay + durationMinutes;
  return availability.some(
    (w) =>
      w.weekday === parisWeekday(start) &&
      w.startMinute <= minuteOfDay &&
      endMinute <= w.endMinute &&
      // the wall-clock span equals the real span (no DST jump inside the session)
      parisWallClock(d.getFullYear(), d.getMonth() + 1, d.getDate(), minuteOfDay) === start,
  );
}

/** « 2026-12-24 » (an `<input type="date">` value): year, month, day, or null when invalid. */
function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day };
}

/**
 * The UTC range of whole Paris days « du … au … » (both included), whatever the browser's time
 * zone: from Paris midnight of `from` to Paris midnight after `to` (a day lasts 23 or 25 hours
 * across a daylight-saving change). Null when a date is invalid or `to` is before `from`.
 */
export function parisDayRange(from: string, to: string): Interval | null {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  if (!a || !b) return null;
  const start = new TZDate(a.year, a.month - 1, a.day, 0, 0, PARIS).getTime();
  const lastDay = new TZDate(b.year, b.month - 1, b.day, 0, 0, PARIS).getTime();
  if (lastDay < start) return null;
  return { start, end: parisAddDays(lastDay, 1) };
}

/** « 2026-12 »: the Paris month holding `epochMs` (a subscription's period). */
export function parisMonth(epochMs: number): string {
  return format(new TZDate(epochMs, PARIS), "yyyy-MM");
}
