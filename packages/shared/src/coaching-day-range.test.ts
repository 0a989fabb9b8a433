// parisDayRange: absence dates typed by a coach are whole Paris days, whatever the browser's
// time zone, across both daylight-saving changes.
import { afterEach, describe, expect, it } from "vitest";
import { parisDayRange } from "./coaching-time";

const iso = (r: { start: number; end: number } | null) =>
  r && [new Date(r.start).toISOString(), new Date(r.end).toISOString()];

const originalTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = originalTz;
});

describe("parisDayRange", () => {
  it("covers the 23-hour day when clocks go forward (29 March 2026)", () => {
    expect(iso(parisDayRange("2026-03-29", "2026-03-29"))).toEqual([
      "2026-03-28T23:00:00.000Z", // midnight CET
      "2026-03-29T22:00:00.000Z", // next midnight CEST: 23 hours later
    ]);
  });

  it("covers the 25-hour day when clocks go back (25 October 2026), over several days", () => {
    expect(iso(parisDayRange("2026-10-24", "2026-10-25"))).toEqual([
      "2026-10-23T22:00:00.000Z", // midnight CEST
      "2026-10-25T23:00:00.000Z", // midnight CET after the 25-hour Sunday
    ]);
  });

  it("gives the same instants whatever the process time zone (the browser's)", () => {
    const expected = iso(parisDayRange("2026-03-28", "2026-03-30"));
    for (const tz of ["America/New_York", "Asia/Tokyo", "UTC", "Pacific/Auckland"]) {
      process.env.TZ = tz;
      expect(iso(parisDayRange("2026-03-28", "2026-03-30"))).toEqual(expected);
    }
    // the old form code read the dates in the browser's zone: in New York, an hour-long shift
    process.env.TZ = "America/New_York";
    expect(new Date("2026-03-28T00:00:00").getTime()).not.toBe(
      parisDayRange("2026-03-28", "2026-03-28")!.start,
    );
  });

  it("refuses an invalid date or an end before the start", () => {
    expect(parisDayRange("2026-02-30", "2026-03-01")).toBeNull();
    expect(parisDayRange("28/03/2026", "2026-03-29")).toBeNull();
    expect(parisDayRange("2026-03-29", "2026-03-28")).toBeNull();
    expect(parisDayRange("", "")).toBeNull();
  });
});
