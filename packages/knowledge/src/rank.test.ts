import { describe, expect, it } from "vitest";
import { cosineSimilarity, maximalMarginalRelevance, reciprocalRankFusion } from "./rank.ts";

describe("reciprocalRankFusion", () => {
  it("sums 1/(k + rank) over rankings", () => {
    const fused = reciprocalRankFusion([{ ids: ["a", "b", "c"] }, { ids: ["c", "a", "d"] }]);
    const score = (id: string) => fused.find((r) => r.id === id)!.score;
    expect(score("a")).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(score("c")).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(score("b")).toBeCloseTo(1 / 62, 12);
    expect(score("d")).toBeCloseTo(1 / 63, 12);
    expect(fused.map((r) => r.id)).toEqual(["a", "c", "b", "d"]);
    expect(fused[0]!.ranks).toEqual([1, 2]);
    expect(fused.find((r) => r.id === "d")!.ranks).toEqual([null, 3]);
  });

  it("rewards agreement over a single top rank", () => {
    const fused = reciprocalRankFusion([{ ids: ["x", "both"] }, { ids: ["y", "both"] }]);
    expect(fused[0]!.id).toBe("both");
  });

  it("honours k and weights, ignores duplicates, and breaks ties deterministically", () => {
    const small = reciprocalRankFusion([{ ids: ["a", "b"] }], { k: 0 });
    expect(small.map((r) => r.score)).toEqual([1, 0.5]);
    const weighted = reciprocalRankFusion([
      { ids: ["a"], weight: 1 },
      { ids: ["b"], weight: 2 },
    ]);
    expect(weighted[0]!.id).toBe("b");
    const duplicated = reciprocalRankFusion([{ ids: ["a", "a", "b"] }]);
    expect(duplicated.find((r) => r.id === "a")!.score).toBeCloseTo(1 / 61, 12);
    const tie = reciprocalRankFusion([{ ids: ["b"] }, { ids: ["a"] }]);
    expect(tie.map((r) => r.id)).toEqual(["a", "b"]);
    expect(() => reciprocalRankFusion([], { k: -1 })).toThrow(RangeError);
  });
});

describe("maximalMarginalRelevance", () => {
  const candidates = [
    { id: "a", embedding: [1, 0, 0], score: 1 },
    { id: "a-copy", embedding: [0.99, 0.14, 0], score: 0.95 },
    { id: "b", embedding: [0, 1, 0], score: 0.8 },
    { id: "c", embedding: [0, 0, 1], score: 0.1 },
  ];

  it("skips near-duplicates in favour of diverse relevant results", () => {
    expect(
      maximalMarginalRelevance(candidates, { limit: 2, lambda: 0.5 }).map((c) => c.id),
    ).toEqual(["a", "b"]);
  });

  it("is plain relevance ranking with lambda = 1 and respects the limit", () => {
    expect(maximalMarginalRelevance(candidates, { limit: 3, lambda: 1 }).map((c) => c.id)).toEqual([
      "a",
      "a-copy",
      "b",
    ]);
    expect(maximalMarginalRelevance(candidates, { limit: 10 })).toHaveLength(4);
    expect(maximalMarginalRelevance([], { limit: 3 })).toEqual([]);
    expect(() => maximalMarginalRelevance(candidates, { limit: 1, lambda: 2 })).toThrow(RangeError);
  });
});

describe("cosineSimilarity", () => {
  it("is 1 for parallel, 0 for orthogonal and rejects mismatched dimensions", () => {
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});
