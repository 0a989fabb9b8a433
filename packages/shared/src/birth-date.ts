// A student's birth date and the parental-consent rule that depends on it (docs/rgpd.md).
// French law (loi Informatique et Libertés, art. 45, after RGPD art. 8) sets the digital
// majority at 15: below it, a parent must consent to ARIA. The age is counted on the calendar
// day in Paris (the centre's), so a student turns 15 at midnight Paris time on their birthday;
// someone born on 29 February turns 15 on 1 March in a common year. No birth date recorded:
// consent is required (we cannot tell). Pure: `now` is always passed in.
import { z } from "zod";

/** The age from which no parental consent is needed (majorité numérique). */
export const DIGITAL_MAJORITY_AGE = 15;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2011-03-14" → [2011, 3, 14] when it is a real calendar date, else null. */
function parts(isoDate: string): [number, number, number] | null {
  const m = ISO_DATE.exec(isoDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return [y, mo, d];
}

// Intl rather than date-fns: the web app's élève page imports this module, and a plain
// formatter keeps the calendar library out of the browser bundle.
const parisDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar date in Paris at `epochMs`, as "YYYY-MM-DD". */
export function parisIsoDate(epochMs: number): string {
  const field = Object.fromEntries(
    parisDay.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]),
  );
  return `${field.year}-${field.month}-${field.day}`;
}

/** Completed years on the Paris calendar day of `now`. */
export function ageOn(birthDate: string, now: number): number {
  const born = parts(birthDate);
  const today = parts(parisIsoDate(now));
  if (!born || !today) throw new Error(`Date de naissance invalide : ${birthDate}`);
  const beforeBirthday = today[1] < born[1] || (today[1] === born[1] && today[2] < born[2]);
  return today[0] - born[0] - (beforeBirthday ? 1 : 0);
}

/** Whether ARIA needs a parent's consent for this student today (unknown birth date: yes). */
export function needsParentalConsent(birthDate: string | undefined, now: number): boolean {
  if (birthDate === undefined) return true;
  return ageOn(birthDate, now) < DIGITAL_MAJORITY_AGE;
}

/**
 * A birth date staff may record: a real date, the student between 5 and 30 years old on the
 * Paris day of `now`. French messages.
 */
export function zBirthDate(now: number) {
  return z
    .string()
    .trim()
    .refine(
      (s) => parts(s) !== null,
      "La date de naissance doit être une date valide (AAAA-MM-JJ).",
    )
    .refine((s) => {
      if (parts(s) === null) return true;
      const age = ageOn(s, now);
      return age >= 5 && age <= 30;
    }, "La date de naissance doit donner un âge entre 5 et 30 ans.");
}

/** "2011-03-14" → « 14 mars 2011 ». */
export function formatBirthDate(birthDate: string): string {
  const p = parts(birthDate);
  if (!p) return birthDate;
  return new Intl.DateTimeFormat("fr-FR", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(p[0], p[1] - 1, p[2])));
}
