import { describe, expect, it } from "vitest";
import { formatDuration, table, truncate } from "./format.ts";

describe("format", () => {
  it("aligns table columns", () => {
    expect(
      table(
        ["A", "LONG"],
        [
          ["xyz", "1"],
          ["", "22"],
        ],
      ).split("\n"),
    ).toEqual(["A    LONG", "───  ────", "xyz  1", "     22"]);
  });

  it("shortens durations and text", () => {
    expect([formatDuration(null), formatDuration(450), formatDuration(2_500)]).toEqual([
      "—",
      "450 ms",
      "2.5 s",
    ]);
    expect(formatDuration(125_000)).toBe("2 min");
    expect(truncate("a\nb   c", 10)).toBe("a b c");
    expect(truncate("abcdefghijkl", 5)).toBe("abcd…");
  });
});
