import { describe, expect, it } from "vitest";
import {
  canTransition,
  creditsForDuration,
  formatEuros,
  nextBalance,
  refundsOnCancel,
} from "./credits";

const H = 3_600_000;

describe("credits", () => {
  it("prices a session by its duration", () => {
    expect([30, 60, 90, 120].map(creditsForDuration)).toEqual([1, 2, 3, 4]);
    expect(() => creditsForDuration(45)).toThrow(/Durée de séance invalide/);
  });

  it("never lets a balance go below zero, and checks signs", () => {
    expect(nextBalance(3, "booking", -2)).toBe(1);
    expect(() => nextBalance(1, "booking", -2)).toThrow(/Solde insuffisant/);
    expect(() => nextBalance(5, "booking", 2)).toThrow(/signe incorrect/);
    expect(() => nextBalance(5, "purchase", -2)).toThrow(/signe incorrect/);
    expect(() => nextBalance(5, "adjustment", 0)).toThrow(/entier non nul/);
    expect(nextBalance(5, "adjustment", -5)).toBe(0);
  });

  it("refunds a family at 24 h or more before, not a millisecond later", () => {
    const startsAt = 100 * H;
    expect(refundsOnCancel({ by: "family", startsAt, now: startsAt - 24 * H })).toBe(true);
    expect(refundsOnCancel({ by: "family", startsAt, now: startsAt - 24 * H + 1 })).toBe(false);
    expect(refundsOnCancel({ by: "coach", startsAt, now: startsAt - 1 })).toBe(true);
    expect(
      refundsOnCancel({
        by: "family",
        startsAt,
        now: startsAt - 48 * H + 1,
        familyNoticeHours: 48,
      }),
    ).toBe(false);
  });

  it("follows the payment state machine", () => {
    expect(canTransition("created", "pending")).toBe(true);
    expect(canTransition("pending", "paid")).toBe(true);
    expect(canTransition("paid", "cancelled")).toBe(false);
    expect(canTransition("cancelled", "paid")).toBe(false);
    expect(canTransition("created", "paid")).toBe(false);
    expect(formatEuros(12000)).toBe("120,00\u00a0€");
  });
});
