import { describe, expect, it } from "vitest";
import {
  calendarCovers,
  datePlanWeeks,
  dayToIso,
  formatWeekRangeFr,
  holidayZones,
  isoToDay,
  schoolCalendars,
} from "./school-calendar";

const paris = (iso: string, hour = 10) =>
  Date.parse(`${iso}T${String(hour).padStart(2, "0")}:00:00+02:00`);
const isoWeeks = (plan: ReturnType<typeof datePlanWeeks>) =>
  plan.weeks.map((w) => `${dayToIso(w.startDay)}/${dayToIso(w.endDay)}`);

describe("school holiday calendar (data)", () => {
  it("covers 2026-2027 and 2027-2028 for the three zones, periods well formed", () => {
    expect(schoolCalendars.map((c) => c.year)).toEqual(["2026-2027", "2027-2028"]);
    for (const year of schoolCalendars) {
      expect(year.source.length).toBeGreaterThan(10);
      for (const p of year.periods) {
        expect(isoToDay(p.to)).toBeGreaterThan(isoToDay(p.from));
      }
      for (const zone of holidayZones) {
        const names = year.periods
          .filter((p) => p.zones === undefined || p.zones.includes(zone))
          .map((p) => p.name);
        expect(names).toEqual(
          expect.arrayContaining([
            "vacances de la Toussaint",
            "vacances de Noël",
            "vacances d'hiver",
            "vacances de printemps",
            "vacances d'été",
          ]),
        );
      }
    }
    expect(calendarCovers(isoToDay("2026-10-20"))).toBe(true);
    expect(calendarCovers(isoToDay("2026-06-01"))).toBe(false);
  });
});

describe("datePlanWeeks", () => {
  it("starts the Monday after the approval, in Paris time", () => {
    // Thursday 8 October 2026 → Monday 12 October.
    const plan = datePlanWeeks(2, paris("2026-10-08"), undefined);
    expect(isoWeeks(plan)).toEqual(["2026-10-12/2026-10-18", "2026-10-19/2026-10-25"]);
    // Approved on a Monday: the plan starts the next Monday, not the same day.
    expect(dayToIso(datePlanWeeks(1, paris("2026-10-12"), undefined).weeks[0]!.startDay)).toBe(
      "2026-10-19",
    );
    // 23:30 UTC on Sunday is already Monday in Paris.
    expect(
      dayToIso(datePlanWeeks(1, Date.UTC(2026, 9, 11, 23, 30), undefined).weeks[0]!.startDay),
    ).toBe("2026-10-19");
  });

  it("skips the Toussaint weeks for every zone when a zone is known", () => {
    for (const zone of holidayZones) {
      const plan = datePlanWeeks(4, paris("2026-10-08"), zone);
      expect(isoWeeks(plan)).toEqual([
        "2026-10-12/2026-10-18",
        "2026-11-02/2026-11-08",
        "2026-11-09/2026-11-15",
        "2026-11-16/2026-11-22",
      ]);
      expect(plan.skipped.map((s) => dayToIso(s.startDay))).toEqual(["2026-10-19", "2026-10-26"]);
      expect(plan.skipped[0]!.holiday).toBe("vacances de la Toussaint");
      expect(plan.holidays).toBe("skipped");
    }
  });

  it("skips winter holidays by zone (C first, then A, then B in 2027)", () => {
    const start = paris("2027-01-28"); // plan from Monday 1 February 2027
    const skippedOf = (zone: "A" | "B" | "C") =>
      datePlanWeeks(6, start, zone).skipped.map((s) => dayToIso(s.startDay));
    expect(skippedOf("C")).toEqual(["2027-02-08", "2027-02-15"]);
    expect(skippedOf("A")).toEqual(["2027-02-15", "2027-02-22"]);
    expect(skippedOf("B")).toEqual(["2027-02-22", "2027-03-01"]);
  });

  it("does not skip anything without a zone, and says so", () => {
    const plan = datePlanWeeks(4, paris("2026-10-08"), undefined);
    expect(plan.skipped).toEqual([]);
    expect(plan.holidays).toBe("no-zone");
    expect(plan.weeks.map((w) => w.week)).toEqual([1, 2, 3, 4]);
  });

  it("keeps a week with only the Ascension bridge (two school days off)", () => {
    const plan = datePlanWeeks(2, paris("2027-04-29"), "A");
    expect(isoWeeks(plan)).toEqual(["2027-05-03/2027-05-09", "2027-05-10/2027-05-16"]);
  });

  it("flags weeks beyond the encoded calendar", () => {
    expect(datePlanWeeks(2, paris("2026-10-08"), "C").beyondCalendar).toBe(false);
    expect(datePlanWeeks(2, paris("2029-01-10"), "C").beyondCalendar).toBe(true);
  });
});

describe("formatWeekRangeFr", () => {
  it("writes French ranges", () => {
    const r = (a: string, b: string) => formatWeekRangeFr(isoToDay(a), isoToDay(b));
    expect(r("2026-10-12", "2026-10-18")).toBe("du 12 au 18 octobre");
    expect(r("2026-10-26", "2026-11-01")).toBe("du 26 octobre au 1er novembre");
    expect(r("2026-12-28", "2027-01-03")).toBe("du 28 décembre 2026 au 3 janvier 2027");
  });
});
