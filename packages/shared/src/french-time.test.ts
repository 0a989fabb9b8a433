import { describe, expect, it } from "vitest";
import { formatClockFr, formatRetryWhenFr, formatWhenFr, formatWhenFrAlone } from "./french-time";

const NBSP = "\u00A0";
const s = (text: string) => text.replaceAll(" ", NBSP);
/** An instant given as Paris wall-clock time (winter: UTC+1, summer: UTC+2). */
const paris = (iso: string, offset: "+01:00" | "+02:00") => Date.parse(`${iso}${offset}`);

describe("formatClockFr", () => {
  it.each([
    [8, 15, s("8 h 15")],
    [14, 5, s("14 h 05")],
    [9, 0, s("9 h")],
    [0, 30, s("0 h 30")],
  ])("%i:%i → %s", (hour, minute, expected) => {
    expect(formatClockFr(hour, minute)).toBe(expected);
  });
});

describe("formatRetryWhenFr", () => {
  const now = paris("2026-11-20T10:00:00", "+01:00");
  it.each([
    ["a past retry time is one second", now - 5000, `dans ${s("1 seconde")}`],
    ["under a second rounds up to one", now + 200, `dans ${s("1 seconde")}`],
    ["seconds are rounded up", now + 41_200, `dans ${s("42 secondes")}`],
    ["exactly a minute is still in seconds", now + 60_000, `dans ${s("60 secondes")}`],
    ["a little over a minute is two minutes", now + 61_000, `dans ${s("2 minutes")}`],
    ["minutes are rounded up", now + 4 * 60_000 + 1, `dans ${s("5 minutes")}`],
    ["exactly an hour", now + 3_600_000, `dans ${s("60 minutes")}`],
    [
      "later today, rounded up to the minute",
      paris("2026-11-20T16:04:10", "+01:00"),
      `aujourd'hui à partir de ${s("16 h 05")}`,
    ],
    [
      "tomorrow morning",
      paris("2026-11-21T08:15:00", "+01:00"),
      `demain à partir de ${s("8 h 15")}`,
    ],
    [
      "tomorrow just after midnight",
      paris("2026-11-21T00:00:30", "+01:00"),
      `demain à partir de ${s("0 h 01")}`,
    ],
    [
      "a later date, with the French ordinal",
      paris("2026-12-01T09:00:00", "+01:00"),
      `le 1er décembre à partir de ${s("9 h")}`,
    ],
    [
      "a later date",
      paris("2026-11-23T18:30:00", "+01:00"),
      `le 23 novembre à partir de ${s("18 h 30")}`,
    ],
  ])("%s", (_case, retryAt, expected) => {
    expect(formatRetryWhenFr(now, retryAt)).toBe(expected);
  });

  it("speaks Paris time in summer and across the autumn clock change", () => {
    const summer = paris("2026-07-01T22:00:00", "+02:00");
    expect(formatRetryWhenFr(summer, paris("2026-07-02T06:00:00", "+02:00"))).toBe(
      `demain à partir de ${s("6 h")}`,
    );
    // 25 October 2026 lasts 25 hours in Paris: 24 h after 00:30 is still that day.
    const longDay = paris("2026-10-25T00:30:00", "+02:00");
    expect(formatRetryWhenFr(longDay, longDay + 24 * 3_600_000)).toBe(
      `aujourd'hui à partir de ${s("23 h 30")}`,
    );
  });
});

describe("formatWhenFr", () => {
  const now = paris("2026-11-20T15:00:00", "+01:00");
  it.each([
    ["earlier today", paris("2026-11-20T14:32:59", "+01:00"), `à ${s("14 h 32")}`],
    ["on the hour", paris("2026-11-20T09:00:00", "+01:00"), `à ${s("9 h")}`],
    ["a moment from now is still today", now + 5000, `à ${s("15 h")}`],
    ["yesterday", paris("2026-11-19T09:05:00", "+01:00"), `hier à ${s("9 h 05")}`],
    ["an earlier date", paris("2026-11-03T18:00:00", "+01:00"), `le 3 novembre à ${s("18 h")}`],
    [
      "the first of a month",
      paris("2026-11-01T08:15:00", "+01:00"),
      `le 1er novembre à ${s("8 h 15")}`,
    ],
  ])("%s", (_case, at, expected) => {
    expect(formatWhenFr(now, at)).toBe(expected);
  });

  it("speaks Paris time in summer", () => {
    const summer = paris("2026-07-01T22:00:00", "+02:00");
    expect(formatWhenFr(summer, paris("2026-07-01T21:45:00", "+02:00"))).toBe(`à ${s("21 h 45")}`);
  });
});

describe("formatWhenFrAlone", () => {
  const now = paris("2026-11-20T15:00:00", "+01:00");
  it("says « aujourd'hui » for today and leaves other days as formatWhenFr says them", () => {
    expect(formatWhenFrAlone(now, paris("2026-11-20T14:32:00", "+01:00"))).toBe(
      `aujourd'hui à ${s("14 h 32")}`,
    );
    expect(formatWhenFrAlone(now, paris("2026-11-19T09:05:00", "+01:00"))).toBe(
      `hier à ${s("9 h 05")}`,
    );
  });
});
