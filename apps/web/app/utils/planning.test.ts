import { describe, expect, it } from "vitest";
import { availabilityLabel, parseWeeklyHours, zoneLabel } from "./planning";

describe("parseWeeklyHours", () => {
  it("reads hours and half hours, with a comma or a dot; empty is not stated", () => {
    expect(parseWeeklyHours(" 4 ")).toEqual({ ok: true, hours: 4 });
    expect(parseWeeklyHours("3,5")).toEqual({ ok: true, hours: 3.5 });
    expect(parseWeeklyHours("0.5")).toEqual({ ok: true, hours: 0.5 });
    expect(parseWeeklyHours("40")).toEqual({ ok: true, hours: 40 });
    expect(parseWeeklyHours("")).toEqual({ ok: true, hours: null });
  });

  it("refuses zero, negatives, more than 40 h, quarter hours and words, in French", () => {
    for (const raw of ["0", "-2", "41", "2,25", "deux", "1e1", "3,5,5"]) {
      const parsed = parseWeeklyHours(raw);
      expect(parsed.ok, raw).toBe(false);
      if (!parsed.ok) {
        expect(parsed.message).toBe(
          "La disponibilité hebdomadaire s'indique en heures ou demi-heures, de 0,5 à 40 h.",
        );
      }
    }
  });
});

describe("labels", () => {
  it("words the zone and the availability", () => {
    expect(zoneLabel("C")).toBe("Zone C");
    expect(zoneLabel(undefined)).toBe("Aucune");
    expect(availabilityLabel(3.5)).toBe("3,5\u00a0h par semaine");
    expect(availabilityLabel(undefined)).toBe("Non indiquée");
  });
});
