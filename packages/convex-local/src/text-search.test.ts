import { describe, expect, test } from "vitest";
import {
  bm25,
  filterKeyOfJson,
  filterKeyOfValue,
  MAX_SEARCH_RESULTS,
  parseSearchQuery,
  searchIndexSpecs,
  TextSearchIndex,
  tokenize,
} from "./text-search.ts";

function index(filterFields: string[] = ["scope"]) {
  return new TextSearchIndex({
    name: "chunks.search_text",
    table: "chunks",
    searchField: "text",
    filterFields,
  });
}

let time = 1000;
const doc = (text: unknown, extra: Record<string, unknown> = {}) => ({
  _creationTime: time++,
  text,
  ...extra,
});

describe("tokenize", () => {
  test("splits on anything but Unicode letters and digits, lowercases, keeps accents", () => {
    expect(tokenize("La DÉRIVÉE d'une fonction : f'(x)=2x, ∑ 1er élève—Noël_2024")).toEqual([
      "la",
      "dérivée",
      "d",
      "une",
      "fonction",
      "f",
      "x",
      "2x",
      "1er",
      "élève",
      "noël",
      "2024",
    ]);
    expect(tokenize("  \n\t ")).toEqual([]);
  });

  test("drops tokens of 32 UTF-8 bytes or more", () => {
    expect(tokenize(`${"a".repeat(31)} ${"b".repeat(32)} ok`)).toEqual(["a".repeat(31), "ok"]);
    // 16 "é" are 32 bytes: dropped; 15 are 30 bytes: kept.
    expect(tokenize(`${"é".repeat(16)} ${"é".repeat(15)}`)).toEqual(["é".repeat(15)]);
  });
});

describe("parseSearchQuery", () => {
  test("at most 16 distinct terms, the last one a prefix", () => {
    expect(parseSearchQuery("Suite suite géo")).toEqual([
      { term: "suite", prefix: false },
      { term: "géo", prefix: true },
    ]);
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`).join(" ");
    const terms = parseSearchQuery(many);
    expect(terms).toHaveLength(16);
    expect(terms.at(-1)).toEqual({ term: "t15", prefix: true });
    expect(parseSearchQuery("?!")).toEqual([]);
  });
});

describe("bm25", () => {
  test("grows with term frequency but saturates, falls with document length and frequency", () => {
    expect(bm25(2, 10, 10, 100, 5)).toBeGreaterThan(bm25(1, 10, 10, 100, 5));
    expect(bm25(20, 10, 10, 100, 5) / bm25(10, 10, 10, 100, 5)).toBeLessThan(1.1);
    expect(bm25(1, 5, 10, 100, 5)).toBeGreaterThan(bm25(1, 20, 10, 100, 5));
    expect(bm25(1, 10, 10, 100, 2)).toBeGreaterThan(bm25(1, 10, 10, 100, 90));
    // A term in every document still weighs a little (never negative).
    expect(bm25(1, 10, 10, 100, 100)).toBeGreaterThan(0);
    expect(bm25(1, 10, 10, 100, 100)).toBeLessThan(0.01);
  });
});

describe("TextSearchIndex", () => {
  test("ranks a rare term's heavier document first; a ubiquitous term barely matters", () => {
    const ix = index([]);
    ix.add("1", doc("la suite est une suite"));
    ix.add("2", doc("la limite de la suite"));
    ix.add("3", doc("la fonction la la la"));
    const ranked = ix.search({ query: "la suite", filters: [] }).map((r) => r.id);
    expect(ranked.slice(0, 2)).toEqual(["1", "2"]);
    expect(ranked).toEqual(["1", "2", "3"]);
  });

  test("equal scores: newest first", () => {
    const ix = index([]);
    ix.add("old", doc("vecteur"));
    ix.add("new", doc("vecteur"));
    expect(ix.search({ query: "vecteur", filters: [] }).map((r) => r.id)).toEqual(["new", "old"]);
  });

  test("prefix only on the last term; prefix expansions are found", () => {
    const ix = index([]);
    ix.add("a", doc("probabilité"));
    ix.add("b", doc("probable"));
    ix.add("c", doc("problème"));
    expect(ix.termsWithPrefix("proba")).toEqual(["probabilité", "probable"]);
    expect(
      ix
        .search({ query: "proba", filters: [] })
        .map((r) => r.id)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(ix.search({ query: "proba problème", filters: [] }).map((r) => r.id)).toEqual(["c"]);
  });

  test("filters, updates, removals and non-string fields", () => {
    const ix = index(["scope", "meta.level"]);
    ix.add("1", doc("intégrale", { scope: "global", meta: { level: 1 } }));
    ix.add("2", doc("intégrale", { scope: "student:1" }));
    ix.add("3", doc(42, { scope: "global" }));
    expect(ix.size).toBe(2);
    const search = (filters: Array<{ field: string; key: string }>) =>
      ix.search({ query: "intégrale", filters }).map((r) => r.id);
    expect(search([{ field: "scope", key: filterKeyOfJson("global") }])).toEqual(["1"]);
    expect(search([{ field: "meta.level", key: filterKeyOfJson(1) }])).toEqual(["1"]);
    expect(search([{ field: "meta.level", key: filterKeyOfJson({ $undefined: null }) }])).toEqual([
      "2",
    ]);
    expect(() => search([{ field: "nope", key: "u" }])).toThrow(/no filter field "nope"/);
    ix.add("1", doc("dérivée", { scope: "global" }));
    expect(search([])).toEqual(["2"]);
    ix.remove("2");
    expect(search([])).toEqual([]);
    expect(ix.termsWithPrefix("int")).toEqual([]);
  });

  test("pending writes replace or hide committed documents", () => {
    const ix = index([]);
    ix.add("1", doc("médiane"));
    ix.add("2", doc("médiane"));
    const pending = new Map<string, Record<string, unknown> | null>([
      ["1", null],
      ["9", doc("médiane médiane")],
    ]);
    expect(ix.search({ query: "médiane", filters: [], pending }).map((r) => r.id)).toEqual([
      "9",
      "2",
    ]);
  });

  test("stays exact through many removals (postings compacted, slots renumbered)", () => {
    const ix = index(["scope"]);
    for (let i = 0; i < 3000; i++) {
      ix.add(
        String(i),
        doc(i % 3 === 0 ? "cercle cercle" : "cercle carré", { scope: `s${i % 2}` }),
      );
    }
    for (let i = 0; i < 3000; i++) if (i % 10 !== 0) ix.remove(String(i));
    expect(ix.size).toBe(300);
    const hits = ix.search({
      query: "cercle",
      filters: [{ field: "scope", key: filterKeyOfJson("s0") }],
    });
    expect(hits.map((h) => h.id).sort()).toEqual(
      Array.from({ length: 300 }, (_, k) => String(k * 10)).sort(),
    );
    // Multiples of 30 hold "cercle" twice: they come first.
    expect(hits.slice(0, 100).every((h) => Number(h.id) % 30 === 0)).toBe(true);
    expect(ix.search({ query: "carré", filters: [] })).toHaveLength(200);
    ix.add("new", doc("cercle", { scope: "s0" }));
    expect(ix.search({ query: "cercle", filters: [] })).toHaveLength(301);
  });

  test("at most 1024 results", () => {
    const ix = index([]);
    for (let i = 0; i < 1100; i++) ix.add(String(i), doc("écart type"));
    expect(ix.search({ query: "écart", filters: [] })).toHaveLength(MAX_SEARCH_RESULTS);
  });
});

describe("filter keys and schema", () => {
  test("document values and query JSON agree, object key order aside", () => {
    expect(filterKeyOfValue({ b: 1, a: "x" })).toBe(filterKeyOfJson({ a: "x", b: 1 }));
    expect(filterKeyOfValue(5n)).toBe(filterKeyOfJson({ $integer: "BQAAAAAAAAA=" }));
    expect(filterKeyOfValue(undefined)).toBe(filterKeyOfJson({ $undefined: null }));
    expect(filterKeyOfValue("1")).not.toBe(filterKeyOfValue(1));
  });

  test("search index specs come from the schema's tables", () => {
    const tables = new Map([
      [
        "chunks",
        {
          searchIndexes: [
            { indexDescriptor: "search_text", searchField: "text", filterFields: ["a"] },
          ],
        },
      ],
      ["other", {}],
    ]);
    expect(searchIndexSpecs(tables)).toEqual([
      { name: "chunks.search_text", table: "chunks", searchField: "text", filterFields: ["a"] },
    ]);
  });
});
