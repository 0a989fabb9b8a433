import { compareValues, type Value } from "convex/values";
import { describe, expect, test } from "vitest";
import { compareFast, resolveCommittedRange } from "./committed-range.ts";
import type { StoredDocument } from "./log-records.ts";

let seed = 11;
const random = () => {
  seed = (seed * 16_807) % 2_147_483_647;
  return seed / 2_147_483_647;
};
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

describe("compareFast", () => {
  test("orders like compareValues (ASCII, accents, astral and private-use characters, numbers)", () => {
    const strings = [
      "",
      "a",
      "ab",
      "b",
      "é",
      "e",
      "z",
      "\u{1F600}",
      "\uE000",
      "\uFFFF",
      "aé",
      "a\u{1F600}",
    ];
    const numbers = [0, -0, 1, -1, 0.5, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY];
    const values: Array<Value | undefined> = [
      ...strings,
      ...numbers,
      undefined,
      null,
      true,
      false,
      1n,
    ];
    for (const a of values) {
      for (const b of values) {
        expect(sign(compareFast(a, b)), `${String(a)} vs ${String(b)}`).toBe(
          sign(compareValues(a, b)),
        );
      }
    }
    for (let i = 0; i < 2_000; i++) {
      const a = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(strings)).join("");
      const b = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(strings)).join("");
      expect(sign(compareFast(a, b))).toBe(sign(compareValues(a, b)));
    }
  });
});

describe("resolveCommittedRange", () => {
  const docs: StoredDocument[] = Array.from({ length: 300 }, (_, i) => {
    const doc: Record<string, unknown> = {
      _id: `${1000 + i}counters`,
      _creationTime: 1_000 + i,
      metric: pick(["jobs", "llm", "bilans"]),
      bucket: `2026-01-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`,
      key: pick(["a|completed", "a|failed", "b|completed", "é|x"]),
    };
    if (i % 7 === 0) delete doc.key;
    return doc as StoredDocument;
  });
  const fields = ["metric", "bucket", "key", "_creationTime", "_id"];
  // convex-test's own evaluation: every bound on every document, then the index order.
  const reference = (
    range: Array<{ type: string; fieldPath: string; value: unknown }>,
    order: "asc" | "desc",
  ) => {
    const ok = (cmp: number, type: string) =>
      type === "Eq"
        ? cmp === 0
        : type === "Gt"
          ? cmp > 0
          : type === "Gte"
            ? cmp >= 0
            : type === "Lt"
              ? cmp < 0
              : cmp <= 0;
    return docs
      .filter((doc) =>
        range.every((r) => ok(compareValues(doc[r.fieldPath] as Value, r.value as Value), r.type)),
      )
      .sort((a, b) => {
        for (const f of fields) {
          const cmp = compareValues(a[f] as Value, b[f] as Value);
          if (cmp !== 0) return order === "asc" ? cmp : -cmp;
        }
        return 0;
      })
      .map((doc) => doc._id);
  };

  test("the documents of the range in index order, as convex-test resolves them", () => {
    const ranges = [
      [{ type: "Eq", fieldPath: "metric", value: "jobs" }],
      [
        { type: "Eq", fieldPath: "metric", value: "jobs" },
        { type: "Gte", fieldPath: "bucket", value: "2026-01-05" },
        { type: "Lte", fieldPath: "bucket", value: "2026-01-20" },
      ],
      [
        { type: "Eq", fieldPath: "metric", value: "llm" },
        { type: "Eq", fieldPath: "bucket", value: "2026-01-03" },
        { type: "Gt", fieldPath: "key", value: "a|failed" },
      ],
      [
        { type: "Eq", fieldPath: "metric", value: "bilans" },
        { type: "Lt", fieldPath: "bucket", value: "2026-01-10" },
      ],
    ];
    for (const range of ranges) {
      for (const order of ["asc", "desc"] as const) {
        const got = resolveCommittedRange(docs, range, fields, order).map((doc) => doc._id);
        expect(got.length).toBeGreaterThan(0);
        expect(got).toEqual(reference(range, order));
      }
    }
  });

  test("a missing field is `undefined`, before every value, as in Convex", () => {
    const range = [
      { type: "Eq", fieldPath: "metric", value: "jobs" },
      {
        type: "Eq",
        fieldPath: "bucket",
        value: docs.find((d) => d.metric === "jobs" && d.key === undefined)?.bucket,
      },
    ];
    const got = resolveCommittedRange(docs, range, fields, "asc").map((doc) => doc._id);
    expect(got).toEqual(reference(range, "asc"));
    expect(docs.find((d) => d._id === got[0])?.key).toBeUndefined();
  });
});
