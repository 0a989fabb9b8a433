import { describe, expect, test } from "vitest";
import { EqualityPrefixIndexes } from "./prefix-index.ts";

const eq = (fieldPath: string, value: unknown) => ({ type: "Eq", fieldPath, value });
const FIELDS = ["metric", "bucket", "key"];

function setUp() {
  const docs = new Map<string, Record<string, unknown>>([
    ["1c", { metric: "jobs", bucket: "2026-01-05", key: "a|completed" }],
    ["2c", { metric: "jobs", bucket: "2026-01-05", key: "a|failed" }],
    ["3c", { metric: "jobs", bucket: "2026-01-06", key: "a|completed" }],
    ["4c", { metric: "llm", bucket: "2026-01-05", key: "a|completed" }],
  ]);
  let builds = 0;
  const index = new EqualityPrefixIndexes();
  const candidates = (range: Array<ReturnType<typeof eq>>) =>
    index.candidates("statCounters", "by_metric_and_bucket_and_key", FIELDS, range, () => {
      builds++;
      return docs.entries();
    });
  return { docs, index, candidates, builds: () => builds };
}

describe("EqualityPrefixIndexes", () => {
  test("confines a query to the documents matching its whole equality prefix", () => {
    const { candidates } = setUp();
    expect(
      [...(candidates([eq("metric", "jobs"), eq("bucket", "2026-01-05")]) ?? [])].sort(),
    ).toEqual(["1c", "2c"]);
    expect([
      ...(candidates([eq("metric", "jobs"), eq("bucket", "2026-01-05"), eq("key", "a|failed")]) ??
        []),
    ]).toEqual(["2c"]);
    expect([...(candidates([eq("metric", "none"), eq("bucket", "2026-01-05")]) ?? [])]).toEqual([]);
  });

  test("bounds on the next field narrow to the ids between them; no leading equality: null", () => {
    const { candidates } = setUp();
    expect([...(candidates([eq("metric", "jobs")]) ?? [])].sort()).toEqual(["1c", "2c", "3c"]);
    expect(
      [
        ...(candidates([
          eq("metric", "jobs"),
          { type: "Gte", fieldPath: "bucket", value: "2026-01-06" },
        ]) ?? []),
      ].sort(),
    ).toEqual(["3c"]);
    const between = (lower: string, upper: string) => [
      ...(candidates([
        eq("metric", "jobs"),
        { type: "Gt", fieldPath: "bucket", value: lower },
        { type: "Lte", fieldPath: "bucket", value: upper },
      ]) ?? []),
    ];
    expect(between("2026-01-04", "2026-01-05").sort()).toEqual(["1c", "2c"]);
    expect(between("2026-01-05", "2026-01-06")).toEqual(["3c"]);
    expect(between("2026-01-06", "2026-01-09")).toEqual([]);
    // An object's JSON may order its keys differently: only the scalar prefix is used.
    expect([...(candidates([eq("metric", "llm"), eq("bucket", { a: 1 })]) ?? [])]).toEqual(["4c"]);
    expect(candidates([eq("bucket", "2026-01-05"), eq("metric", "jobs")])).toBeNull();
    expect(candidates([{ type: "Gt", fieldPath: "metric", value: "a" }])).toBeNull();
  });

  test("built once per prefix, then kept in step with commits (insert, move, delete)", () => {
    const { index, candidates, builds } = setUp();
    const jan5 = [eq("metric", "jobs"), eq("bucket", "2026-01-05")];
    candidates(jan5);
    candidates(jan5);
    expect(builds()).toBe(1);
    // The one-field map too (bounds on "bucket" are served from its sorted ids).
    candidates([eq("metric", "jobs")]);
    expect(builds()).toBe(2);
    index.update("statCounters", "5c", { metric: "jobs", bucket: "2026-01-05", key: "b" }, true);
    // 1c moves to another bucket: removed under its old values, added under the new.
    index.update(
      "statCounters",
      "1c",
      { metric: "jobs", bucket: "2026-01-05", key: "a|completed" },
      false,
    );
    index.update(
      "statCounters",
      "1c",
      { metric: "jobs", bucket: "2026-01-07", key: "a|completed" },
      true,
    );
    index.update(
      "statCounters",
      "2c",
      { metric: "jobs", bucket: "2026-01-05", key: "a|failed" },
      false,
    );
    expect([...(candidates(jan5) ?? [])]).toEqual(["5c"]);
    expect([...(candidates([eq("metric", "jobs"), eq("bucket", "2026-01-07")]) ?? [])]).toEqual([
      "1c",
    ]);
    expect(builds()).toBe(2);
    // The sorted order follows the same writes: 1c now sorts last under "jobs".
    const after = (bucket: string) => [
      ...(candidates([eq("metric", "jobs"), { type: "Gte", fieldPath: "bucket", value: bucket }]) ??
        []),
    ];
    expect(after("2026-01-06")).toEqual(["3c", "1c"]);
    expect(after("2026-01-01")).toEqual(["5c", "3c", "1c"]);
  });
});
