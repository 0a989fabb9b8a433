import { describe, expect, it } from "vitest";
import {
  ageOn,
  formatBirthDate,
  needsParentalConsent,
  parisIsoDate,
  zBirthDate,
} from "./birth-date";

// Born 2 December 2011: 15 from 00:00 Paris time on 2 December 2026 (23:00 UTC the day before,
// winter time).
const born = "2011-12-02";
const parisMidnight = Date.UTC(2026, 11, 1, 23, 0); // 2 Dec 2026 00:00 in Paris

describe("the 15th birthday, Europe/Paris", () => {
  it.each([
    ["one minute before midnight in Paris", parisMidnight - 60_000, 14, true],
    ["midnight in Paris (still 1 December in UTC)", parisMidnight, 15, false],
    ["the next day", parisMidnight + 86_400_000, 15, false],
    ["a year earlier", parisMidnight - 366 * 86_400_000, 13, true],
  ])("%s", (_label, now, age, needed) => {
    expect(ageOn(born, now)).toBe(age);
    expect(needsParentalConsent(born, now)).toBe(needed);
  });

  it("counts the Paris day in summer time too (UTC+2)", () => {
    const summer = "2011-07-01";
    const midnight = Date.UTC(2026, 5, 30, 22, 0); // 1 July 2026 00:00 in Paris
    expect(parisIsoDate(midnight)).toBe("2026-07-01");
    expect(needsParentalConsent(summer, midnight - 1)).toBe(true);
    expect(needsParentalConsent(summer, midnight)).toBe(false);
  });

  it("turns a 29 February birthday into 1 March in a common year", () => {
    expect(ageOn("2012-02-29", Date.UTC(2027, 1, 28, 12))).toBe(14);
    expect(ageOn("2012-02-29", Date.UTC(2027, 2, 1, 12))).toBe(15);
  });

  it("requires consent when no birth date is known", () => {
    expect(needsParentalConsent(undefined, parisMidnight)).toBe(true);
  });
});

describe("zBirthDate", () => {
  const now = Date.UTC(2026, 11, 1, 12);
  it("accepts a plausible date and refuses others in French", () => {
    expect(zBirthDate(now).parse(" 2010-06-23 ")).toBe("2010-06-23");
    for (const bad of ["2010-02-30", "23/06/2010", "2024-01-01", "1980-01-01"]) {
      const r = zBirthDate(now).safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toMatch(/^La date de naissance doit/);
    }
  });
  it("formats in French", () => {
    expect(formatBirthDate("2010-06-23")).toBe("23 juin 2010");
  });
});
