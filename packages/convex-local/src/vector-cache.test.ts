import { convexToJson } from "convex/values";
import { describe, expect, test } from "vitest";
import { compileVectorFilter, VectorIndexCache, vectorIndexSpecs } from "./vector-cache.ts";

// convex-test's cosine similarity, the reference the cache must reproduce exactly.
function referenceCosine(a: number[], b: number[]): number {
  let dot = 0.0;
  let normA = 0.0;
  let normB = 0.0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    normA += (a[i] as number) * (a[i] as number);
    normB += (b[i] as number) * (b[i] as number);
  }
  return normA === 0 || normB === 0 ? 0 : dot / (Math.sqrt(normA) * Math.sqrt(normB));
}

const eq = (field: string, value: string) => ({
  $eq: [{ $field: field }, { $literal: convexToJson(value) }],
});

function cache() {
  return new VectorIndexCache({
    name: "chunks.by_embedding",
    table: "chunks",
    vectorField: "embedding",
    dimensions: 8,
    filterFields: ["scope"],
  });
}

let seed = 7;
const random = () => {
  seed = (seed * 16_807) % 2_147_483_647;
  return seed / 2_147_483_647 - 0.5;
};
const vector = () => Array.from({ length: 8 }, random);

describe("VectorIndexCache", () => {
  test("same scores and order as the scan it replaces, within the filter", () => {
    const c = cache();
    const docs = Array.from({ length: 200 }, (_, i) => ({
      id: `${i}chunks`,
      embedding: vector(),
      scope: i % 3 === 0 ? "global" : `student:${i % 5}`,
    }));
    for (const d of docs) c.add(d.id, d);
    const query = vector();
    const hits = c.search(query, [{ $or: [eq("scope", "global"), eq("scope", "student:1")] }], 10);
    const expected = docs
      .filter((d) => d.scope === "global" || d.scope === "student:1")
      .map((d) => ({ _id: d.id, _score: referenceCosine(query, d.embedding) }))
      .sort((a, b) => b._score - a._score)
      .slice(0, 10);
    expect(hits).toEqual(expected);
  });

  test("updates, removals, documents without a vector, zero vectors", () => {
    const c = cache();
    const far = [1, 0, 0, 0, 0, 0, 0, 0];
    const near = [0, 1, 0, 0, 0, 0, 0, 0];
    c.add("a", { embedding: far, scope: "s" });
    c.add("b", { embedding: near, scope: "s" });
    c.add("c", { scope: "s" });
    c.add("z", { embedding: [0, 0, 0, 0, 0, 0, 0, 0], scope: "s" });
    expect(c.size).toBe(3);
    expect(c.search(near, [], 2)?.map((h) => h._id)).toEqual(["b", "a"]);
    expect(c.search(near, [], 3)?.at(-1)).toEqual({ _id: "z", _score: 0 });
    c.add("a", { embedding: near, scope: "s" });
    c.remove("b");
    expect(c.search(near, [eq("scope", "s")], 1)).toEqual([{ _id: "a", _score: 1 }]);
    expect(c.search(near, [eq("scope", "other")], 1)).toEqual([]);
  });

  test("unsupported filters are reported (the engine falls back to convex-test)", () => {
    expect(compileVectorFilter({ $neq: [{ $field: "scope" }, { $literal: "x" }] }, ["scope"])).toBe(
      null,
    );
    expect(compileVectorFilter(eq("notAFilterField", "x"), ["scope"])).toBe(null);
    expect(cache().search(vector(), [{ $gt: [] }], 3)).toBe(null);
  });

  // The grouping by filter value and the bounded top-k must give what a scan of every entry
  // and a stable sort give, ties included (equal vectors keep index order; an updated document
  // moves to the end). Mutants this catches: a group not updated on remove/update, ties broken
  // another way, a narrowed filter dropping its other conditions.
  test("grouped candidates and the top-k give the full scan's answer, ties in index order", () => {
    const c = new VectorIndexCache({
      name: "chunks.by_embedding",
      table: "chunks",
      vectorField: "embedding",
      dimensions: 8,
      filterFields: ["scope", "kind"],
    });
    const shared = vector();
    const docs = new Map<string, { embedding: number[]; scope: string; kind: string }>();
    const put = (id: string, doc: { embedding: number[]; scope: string; kind: string }) => {
      docs.delete(id);
      docs.set(id, doc);
      c.add(id, doc);
    };
    for (let i = 0; i < 300; i++) {
      put(`${i}chunks`, {
        embedding: i % 4 === 0 ? [...shared] : vector(),
        scope: `s${i % 6}`,
        kind: i % 2 === 0 ? "a" : "b",
      });
    }
    for (let i = 0; i < 300; i += 7) put(`${i}chunks`, { ...docs.get(`${i}chunks`)!, scope: "s1" });
    for (let i = 3; i < 300; i += 11) {
      docs.delete(`${i}chunks`);
      c.remove(`${i}chunks`);
    }
    const filters: Array<[unknown[], (d: { scope: string; kind: string }) => boolean]> = [
      [[], () => true],
      [[eq("scope", "s1")], (d) => d.scope === "s1"],
      [
        [{ $or: [eq("scope", "s0"), eq("scope", "s1"), eq("scope", "s0")] }],
        (d) => ["s0", "s1"].includes(d.scope),
      ],
      [[eq("scope", "s2"), eq("kind", "a")], (d) => d.scope === "s2" && d.kind === "a"],
      [[{ $or: [eq("scope", "s3"), eq("kind", "a")] }], (d) => d.scope === "s3" || d.kind === "a"],
      [[eq("scope", "none")], () => false],
    ];
    for (const query of [shared, vector()]) {
      for (const [expressions, keep] of filters) {
        const expected = [...docs]
          .filter(([, d]) => keep(d))
          .map(([id, d]) => ({ _id: id, _score: referenceCosine(query, d.embedding) }))
          .sort((a, b) => b._score - a._score)
          .slice(0, 25);
        expect(c.search(query, expressions, 25)).toEqual(expected);
      }
    }
  });

  // Sparse queries (the local embedder's) multiply only their non-zero dimensions. Mutants this
  // catches: the sparse loop skipping the last dimension or taking v's zeros instead of q's, and
  // a vector holding a non-finite value scored by the sparse loop (0 × Infinity is NaN).
  test("a sparse query gives the dense scan's scores, bit for bit", () => {
    const c = new VectorIndexCache({
      name: "chunks.by_embedding",
      table: "chunks",
      vectorField: "embedding",
      dimensions: 64,
      filterFields: ["scope"],
    });
    // Float32 vectors (as the engine stores them: the column store's path) and float64 ones
    // (the row loop's), added, updated and removed so that freed column slots are reused.
    const docs = new Map<string, number[]>();
    const put = (id: string, embedding: number[]) => {
      docs.delete(id);
      docs.set(id, embedding);
      c.add(id, { embedding, scope: "s" });
    };
    for (let i = 0; i < 1500; i++) {
      const float32 = i % 3 !== 0;
      const value = () => (float32 ? Math.fround(random()) : random());
      put(
        `${i}chunks`,
        Array.from({ length: 64 }, (_, d) => (d % 5 === i % 5 ? 0 : value())),
      );
    }
    for (let i = 0; i < 1500; i += 4) {
      docs.delete(`${i}chunks`);
      c.remove(`${i}chunks`);
    }
    for (let i = 1; i < 1500; i += 8) {
      put(
        `${i}chunks`,
        Array.from({ length: 64 }, () => Math.fround(random())),
      );
    }
    for (let i = 0; i < 200; i++) {
      put(
        `new${i}chunks`,
        Array.from({ length: 64 }, () => Math.fround(random())),
      );
    }
    const query = Array.from({ length: 64 }, () => 0);
    for (const d of [0, 7, 31, 63]) query[d] = random();
    const expected = [...docs]
      .map(([id, embedding]) => ({ _id: id, _score: referenceCosine(query, embedding) }))
      .sort((a, b) => b._score - a._score)
      .slice(0, 30);
    expect(c.search(query, [eq("scope", "s")], 30)).toEqual(expected);
    // The column store, filled by that first sparse query, follows later writes.
    for (let i = 2; i < 1500; i += 6)
      put(
        `${i}chunks`,
        Array.from({ length: 64 }, () => Math.fround(random())),
      );
    for (let i = 0; i < 100; i += 3) {
      docs.delete(`new${i}chunks`);
      c.remove(`new${i}chunks`);
    }
    const later = [...docs]
      .map(([id, embedding]) => ({ _id: id, _score: referenceCosine(query, embedding) }))
      .sort((a, b) => b._score - a._score)
      .slice(0, 30);
    expect(c.search(query, [eq("scope", "s")], 30)).toEqual(later);
    const infinite = Array.from({ length: 64 }, () => 0.5);
    infinite[10] = Number.POSITIVE_INFINITY;
    c.add("inf", { embedding: infinite, scope: "alone" });
    expect(c.search(query, [eq("scope", "alone")], 1)).toEqual([
      { _id: "inf", _score: referenceCosine(query, infinite) },
    ]);
    expect(referenceCosine(query, infinite)).toBeNaN();
  });

  test("specs come from the schema's vector indexes", () => {
    const tables = new Map([
      [
        "chunks",
        {
          vectorIndexes: [
            {
              indexDescriptor: "by_embedding",
              vectorField: "e",
              dimensions: 4,
              filterFields: ["k"],
            },
          ],
        },
      ],
    ]);
    expect(vectorIndexSpecs(tables)).toEqual([
      {
        name: "chunks.by_embedding",
        table: "chunks",
        vectorField: "e",
        dimensions: 4,
        filterFields: ["k"],
      },
    ]);
  });
});
