import { describe, expect, it } from "vitest";
import {
  formatParisDateTime,
  freeSlots,
  insideAvailability,
  parisWallClock,
  parisWeekStart,
} from "./coaching-time";

const H = 3_600_000;

describe("Paris wall clock across daylight-saving changes", () => {
  it("maps 17 h in Paris to 16 h UTC in winter and 15 h UTC in summer", () => {
    expect(new Date(parisWallClock(2026, 3, 28, 17 * 60)!).toISOString()).toBe(
      "2026-03-28T16:00:00.000Z",
    );
    expect(new Date(parisWallClock(2026, 3, 30, 17 * 60)!).toISOString()).toBe(
      "2026-03-30T15:00:00.000Z",
    );
  });

  it("has no 2 h 30 on the night clocks go forward", () => {
    expect(parisWallClock(2026, 3, 29, 2 * 60 + 30)).toBeNull();
  });

  it("keeps a weekly slot at the same Paris time in the week clocks go back (October)", () => {
    // Monday 19 and Monday 26 October 2026, Mondays 17 h–18 h
    const from = parisWeekStart(Date.UTC(2026, 9, 21));
    const slots = freeSlots({
      from,
      to: from + 14 * 24 * H,
      durationMinutes: 60,
      availability: [{ weekday: 1, startMinute: 17 * 60, endMinute: 18 * 60 }],
      blocked: [],
    });
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      "2026-10-19T15:00:00.000Z",
      "2026-10-26T16:00:00.000Z",
    ]);
    expect(slots.map(formatParisDateTime)).toEqual([
      "lundi 19 octobre 2026 à 17\u00a0h",
      "lundi 26 octobre 2026 à 17\u00a0h",
    ]);
  });

  it("gives the Sunday of the change its slots once, at the right instants", () => {
    const from = Date.UTC(2026, 2, 28, 23); // Sunday 29 March 2026 00:00 Paris (CET)
    const slots = freeSlots({
      from,
      to: from + 23 * H,
      durationMinutes: 30,
      availability: [{ weekday: 7, startMinute: 60, endMinute: 4 * 60 }],
      blocked: [],
    });
    // 1 h, 1 h 30 (CET), then 3 h, 3 h 30 (CEST): 2 h–3 h does not exist that night
    expect(slots.map((s) => new Date(s).toISOString())).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T00:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
  });

  it("skips blocked intervals and checks a start against the windows", () => {
    const monday = parisWallClock(2026, 12, 7, 17 * 60)!;
    const availability = [{ weekday: 1, startMinute: 17 * 60, endMinute: 19 * 60 }];
    const slots = freeSlots({
      from: monday - H,
      to: monday + 3 * H,
      durationMinutes: 60,
      availability,
      blocked: [{ start: monday, end: monday + H }],
    });
    expect(slots).toEqual([monday + H]); // 18 h: 17 h and 17 h 30 overlap the block
    expect(insideAvailability(monday, 120, availability)).toBe(true);
    expect(insideAvailability(monday + 30 * 60_000, 120, availability)).toBe(false);
    expect(insideAvailability(monday + 24 * H, 60, availability)).toBe(false);
  });
});
