import { describe, expect, it } from "vitest";
import { workerFreshness } from "./health";

describe("workerFreshness", () => {
  it.each([
    [null, "stale"],
    [90_000, "fresh"],
    [40_000, "fresh"],
    [39_999, "stale"],
  ] as const)("last beat %s at now=100000 → %s", (lastSeenAt, expected) => {
    expect(workerFreshness(lastSeenAt, 100_000, 60_000)).toBe(expected);
  });
});
