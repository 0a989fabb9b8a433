// Pure parts of the analytics counters: Paris calendar buckets, ISO weeks across a year and a
// DST change, the submit → sent histogram and the LLM cost estimate.
import { describe, expect, it } from "vitest";
import {
  addDays,
  bucketFor,
  delayBucket,
  llmCostMicroEur,
  mondayOf,
  parisDate,
  parisWeek,
  weekStarts,
} from "./stats";

const HOUR = 3_600_000;

describe("Paris buckets", () => {
  it("dates an instant in Paris, not in UTC", () => {
    // 23:30 UTC on 1 December is 00:30 on 2 December in Paris (UTC+1 in winter).
    expect(parisDate(Date.UTC(2026, 11, 1, 23, 30))).toBe("2026-12-02");
    expect(parisDate(Date.UTC(2026, 11, 1, 22, 59))).toBe("2026-12-01");
    // Summer time: UTC+2.
    expect(parisDate(Date.UTC(2026, 6, 14, 22, 30))).toBe("2026-07-15");
    expect(parisDate(Date.UTC(2026, 6, 14, 21, 59))).toBe("2026-07-14");
  });

  it("gives the Monday of the ISO week, across months and years", () => {
    expect(mondayOf("2026-12-01")).toBe("2026-11-30"); // a Tuesday
    expect(mondayOf("2026-11-30")).toBe("2026-11-30"); // a Monday
    expect(mondayOf("2026-12-06")).toBe("2026-11-30"); // a Sunday
    expect(mondayOf("2027-01-01")).toBe("2026-12-28"); // a Friday, ISO week 53 of 2026
    expect(mondayOf("2024-02-29")).toBe("2024-02-26"); // leap day
  });

  it("puts Sunday 23:30 and Monday 00:30 (Paris) in different weeks", () => {
    // Sunday 6 December 2026, 23:30 in Paris = 22:30 UTC.
    expect(parisWeek(Date.UTC(2026, 11, 6, 22, 30))).toBe("2026-11-30");
    // Monday 7 December 2026, 00:30 in Paris = Sunday 23:30 UTC.
    expect(parisWeek(Date.UTC(2026, 11, 6, 23, 30))).toBe("2026-12-07");
  });

  it("buckets per day or per week according to the metric", () => {
    const at = Date.UTC(2026, 11, 3, 12);
    expect(bucketFor("jobs", at)).toBe("2026-12-03");
    expect(bucketFor("llm", at)).toBe("2026-12-03");
    expect(bucketFor("bilans", at)).toBe("2026-11-30");
    expect(bucketFor("bilanDelay", at)).toBe("2026-11-30");
    expect(bucketFor("documents", at)).toBe("2026-11-30");
  });

  it("lists the last weeks oldest first, ending with the current one", () => {
    const now = Date.UTC(2026, 11, 3, 12);
    expect(weekStarts(now, 3)).toEqual(["2026-11-16", "2026-11-23", "2026-11-30"]);
    expect(weekStarts(now, 1)).toEqual(["2026-11-30"]);
    // Across the October DST change, weeks stay 7 calendar days apart.
    expect(weekStarts(Date.UTC(2026, 10, 2, 12), 2)).toEqual(["2026-10-26", "2026-11-02"]);
    expect(addDays("2026-12-28", 7)).toBe("2027-01-04");
  });
});

describe("submit → sent histogram", () => {
  it("puts each delay in its bucket, bounds going to the next bucket", () => {
    expect(delayBucket(0)).toBe("lt1h");
    expect(delayBucket(HOUR - 1)).toBe("lt1h");
    expect(delayBucket(HOUR)).toBe("1to4h");
    expect(delayBucket(4 * HOUR)).toBe("4to24h");
    expect(delayBucket(24 * HOUR)).toBe("1to3d");
    expect(delayBucket(72 * HOUR - 1)).toBe("1to3d");
    expect(delayBucket(72 * HOUR)).toBe("gt3d");
    expect(delayBucket(21 * 24 * HOUR)).toBe("gt3d");
    expect(delayBucket(-5)).toBe("lt1h");
  });
});

describe("LLM cost estimate", () => {
  it("prices tokens per model in micro-euros", () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million; 0.92 € per $.
    // 1 000 000 in + 100 000 out = $0.15 + $0.06 = $0.21 = 0.1932 € = 193 200 µ€.
    expect(llmCostMicroEur("openai", "gpt-4o-mini", 1_000_000, 100_000)).toBe(193_200);
    // claude-sonnet-4-5: $3 in, $15 out: 10 000 in + 2 000 out = $0.06 = 0.0552 €.
    expect(llmCostMicroEur("anthropic", "claude-sonnet-4-5", 10_000, 2_000)).toBe(55_200);
  });

  it("prices an unknown model as its provider's default, and the local writer at zero", () => {
    expect(llmCostMicroEur("openai", "gpt-nouveau", 1_000_000, 0)).toBe(
      llmCostMicroEur("openai", "gpt-4o-mini", 1_000_000, 0),
    );
    expect(llmCostMicroEur("local", "local-writer-v1", 5_000, 5_000)).toBe(0);
    expect(llmCostMicroEur("inconnu", "x", 5_000, 5_000)).toBe(0);
  });
});
