import { describe, expect, it } from "vitest";
import { CONNECTION_BACKOFF, connectionBackoffMs } from "./backoff.ts";

describe("connectionBackoffMs", () => {
  it("is zero before any failure", () => {
    expect(connectionBackoffMs(0)).toBe(0);
  });

  it("doubles its cap with each failure up to the maximum", () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 10].map((n) => connectionBackoffMs(n, policy, 1))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it("never goes below a quarter of the cap (jitter)", () => {
    expect(connectionBackoffMs(3, { baseMs: 100, maxMs: 10_000 }, 0)).toBe(100);
  });

  it("uses 250 ms → 30 s by default", () => {
    expect(connectionBackoffMs(1, CONNECTION_BACKOFF, 1)).toBe(250);
    expect(connectionBackoffMs(30, CONNECTION_BACKOFF, 1)).toBe(30_000);
  });
});
