import { describe, expect, it } from "vitest";
import {
  formatDateFr,
  formatHoursFr,
  formatNumberFr,
  formatPercentFr,
  withFrenchSpacing,
} from "./french-format";

const NBSP = "\u00A0";

describe("formatDateFr", () => {
  it.each([
    [Date.UTC(2026, 10, 21, 9, 30), "21 novembre 2026"],
    [Date.UTC(2027, 2, 1, 12), "1er mars 2027"],
    // 23:30 UTC on 31 December is already 1 January in Paris.
    [Date.UTC(2026, 11, 31, 23, 30), "1er janvier 2027"],
    // 22:30 UTC on 14 July is past midnight in Paris (summer time, UTC+2).
    [Date.UTC(2026, 6, 14, 22, 30), "15 juillet 2026"],
  ])("formats %i as « %s » in Europe/Paris", (ms, expected) => {
    expect(formatDateFr(ms)).toBe(expected);
  });
});

describe("numbers", () => {
  it("uses a decimal comma and at most one decimal", () => {
    expect(formatNumberFr(12.5)).toBe("12,5");
    expect(formatNumberFr(7)).toBe("7");
    expect(formatNumberFr(2 / 3)).toBe("0,7");
  });
  it("puts a non-breaking space before % and h", () => {
    expect(formatPercentFr(65)).toBe(`65${NBSP}%`);
    expect(formatHoursFr(1.5)).toBe(`1,5${NBSP}h`);
  });
});

describe("withFrenchSpacing", () => {
  it("makes the spaces of French punctuation non-breaking", () => {
    expect(withFrenchSpacing("Attention : « voir » ; 45 € ! 3 h ?")).toBe(
      `Attention${NBSP}: «${NBSP}voir${NBSP}»${NBSP}; 45${NBSP}€${NBSP}! 3${NBSP}h${NBSP}?`,
    );
  });
  it("leaves URLs and times without spaces alone", () => {
    expect(withFrenchSpacing("https://nexus.fr à 10:30")).toBe("https://nexus.fr à 10:30");
  });
});
