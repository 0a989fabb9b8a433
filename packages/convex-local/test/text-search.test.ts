// Full-text search through the stock clients: BM25 relevance order, prefix
// search on the last term, filter fields, `.filter()` after the index,
// pagination, a transaction's own writes, updates and deletions (also in a
// live subscription), and an index rebuilt from disk after a restart.

import type { ConvexClient } from "convex/browser";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import type { Id } from "./fixture/convex/_generated/dataModel.js";
import {
  nextValue,
  type RuntimeProcess,
  removeDir,
  startRuntime,
  tempDataDir,
  wsClient,
} from "./runtime-process.ts";

let runtime: RuntimeProcess;
let http: ConvexHttpClient;
const dataDir = tempDataDir("search");

beforeAll(async () => {
  runtime = await startRuntime({ dataDir });
  http = new ConvexHttpClient(runtime.url);
});

afterAll(async () => {
  await runtime.stop();
  removeDir(dataDir);
});

const filler = (n: number) => Array.from({ length: n }, (_, i) => `mot${i}`).join(" ");

describe("full-text search", () => {
  test("ranks by BM25: more occurrences of a rare term first, a term in every document barely counts", async () => {
    await http.mutation(api.articles.addMany, {
      articles: [
        { title: "once", section: "rank", body: "le théorème de Pythagore est un théorème" },
        {
          title: "thrice",
          section: "rank",
          body: "le cosinus, le cosinus et encore le cosinus du théorème",
        },
        { title: "none", section: "rank", body: "le calcul littéral" },
        { title: "twice", section: "rank", body: "le cosinus et le cosinus" },
      ],
    });
    // "le" is in every document, so all four match, but its weight is tiny:
    // the two documents with the rare "cosinus" lead, even ahead of the
    // shortest document (which has only "le").
    const ranked = await http.query(api.articles.search, { query: "le cosinus", section: "rank" });
    expect(ranked).toHaveLength(4);
    // Same density of "cosinus" in both; BM25 favours the shorter text.
    expect(ranked.slice(0, 2)).toEqual(["twice", "thrice"]);
    expect(
      (await http.query(api.articles.search, { query: "le", section: "rank" })).sort(),
    ).toEqual(["none", "once", "thrice", "twice"]);
    // Two occurrences in a shorter text beat one occurrence in a longer one.
    expect(await http.query(api.articles.search, { query: "théorème", section: "rank" })).toEqual([
      "once",
      "thrice",
    ]);
  });

  test("more occurrences of the term rank first at equal length", async () => {
    await http.mutation(api.articles.addMany, {
      articles: [
        { title: "a1", section: "tf", body: `vecteur ${filler(9)}` },
        { title: "a3", section: "tf", body: `vecteur vecteur vecteur ${filler(7)}` },
        { title: "a2", section: "tf", body: `vecteur vecteur ${filler(8)}` },
      ],
    });
    expect(await http.query(api.articles.search, { query: "vecteur", section: "tf" })).toEqual([
      "a3",
      "a2",
      "a1",
    ]);
  });

  test("tokens are split on punctuation and case-folded; accents are not folded (as on Convex)", async () => {
    await http.mutation(api.articles.add, {
      title: "deriv",
      section: "tok",
      body: "La DÉRIVÉE (d'une fonction) : f'(x)=2x.",
    });
    expect(await http.query(api.articles.search, { query: "dérivée", section: "tok" })).toEqual([
      "deriv",
    ]);
    expect(await http.query(api.articles.search, { query: "FONCTION", section: "tok" })).toEqual([
      "deriv",
    ]);
    expect(await http.query(api.articles.search, { query: "2x", section: "tok" })).toEqual([
      "deriv",
    ]);
    expect(await http.query(api.articles.search, { query: "derivee", section: "tok" })).toEqual([]);
  });

  test("only the last term is a prefix", async () => {
    await http.mutation(api.articles.addMany, {
      articles: [
        { title: "proba", section: "prefix", body: "probabilités conditionnelles" },
        { title: "suite", section: "prefix", body: "suites géométriques" },
      ],
    });
    expect(await http.query(api.articles.search, { query: "proba", section: "prefix" })).toEqual([
      "proba",
    ]);
    // "proba" is not last: it must match a whole word, so nothing matches.
    expect(
      await http.query(api.articles.search, { query: "proba suitesx", section: "prefix" }),
    ).toEqual([]);
    expect(
      await http.query(api.articles.search, { query: "proba géo", section: "prefix" }),
    ).toEqual(["suite"]);
  });

  test("filter fields are equality filters, including a missing field", async () => {
    await http.mutation(api.articles.addMany, {
      articles: [
        { title: "fr-alg", section: "filter", lang: "fr", body: "équation du second degré" },
        { title: "en-alg", section: "filter", lang: "en", body: "quadratic équation" },
        { title: "none-alg", section: "filter", body: "équation" },
        { title: "other-alg", section: "other", lang: "fr", body: "équation" },
      ],
    });
    expect(
      (await http.query(api.articles.search, { query: "équation", section: "filter" })).sort(),
    ).toEqual(["en-alg", "fr-alg", "none-alg"]);
    expect(
      await http.query(api.articles.search, { query: "équation", section: "filter", lang: "fr" }),
    ).toEqual(["fr-alg"]);
    expect(
      await http.query(api.articles.search, { query: "équation", section: "other", lang: "en" }),
    ).toEqual([]);
  });

  test("`.filter()` runs on the ranked results, `.take()` and pagination follow the ranking", async () => {
    const bodies = [1, 2, 3, 4, 5].map((n) => ({
      title: `p${n}`,
      section: "page",
      body: `${"intégrale ".repeat(n)}${filler(6 - n)}`,
    }));
    await http.mutation(api.articles.addMany, { articles: bodies });
    const all = await http.query(api.articles.search, { query: "intégrale", section: "page" });
    expect(all).toEqual(["p5", "p4", "p3", "p2", "p1"]);
    expect(
      await http.query(api.articles.search, { query: "intégrale", section: "page", limit: 2 }),
    ).toEqual(["p5", "p4"]);
    const except = await http.query(api.articles.searchExcept, {
      query: "intégrale",
      exclude: "p4",
    });
    expect(except.map((a) => a.title)).toEqual(["p5", "p3", "p2", "p1"]);

    const titles: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const result: { page: Array<{ title: string }>; isDone: boolean; continueCursor: string } =
        await http.query(api.articles.searchPage, {
          query: "intégrale",
          paginationOpts: { numItems: 2, cursor },
        });
      titles.push(...result.page.map((a) => a.title));
      if (result.isDone) break;
      cursor = result.continueCursor;
    }
    expect(titles).toEqual(["p5", "p4", "p3", "p2", "p1"]);
  });

  test("a mutation sees its own uncommitted documents in a search", async () => {
    expect(
      await http.mutation(api.articles.addThenSearch, {
        title: "fresh",
        section: "tx",
        body: "barycentre pondéré",
        query: "barycentre",
      }),
    ).toEqual(["fresh"]);
  });

  test("updates and deletions are visible, also to a live subscription", async () => {
    const client: ConvexClient = wsClient(runtime.url);
    try {
      const id: Id<"articles"> = await http.mutation(api.articles.add, {
        title: "live",
        section: "live",
        body: "limite de suite",
      });
      const subscribe = (cb: (titles: string[]) => void) =>
        client.onUpdate(api.articles.search, { query: "asymptote", section: "live" }, cb);
      await nextValue(subscribe, (titles) => titles.length === 0);
      await http.mutation(api.articles.setBody, { id, body: "asymptote horizontale" });
      await nextValue(subscribe, (titles) => titles.join() === "live");
      expect(await http.query(api.articles.search, { query: "limite", section: "live" })).toEqual(
        [],
      );
      await http.mutation(api.articles.remove, { id });
      await nextValue(subscribe, (titles) => titles.length === 0);
      expect(
        await http.query(api.articles.search, { query: "asymptote", section: "live" }),
      ).toEqual([]);
    } finally {
      await client.close();
    }
  });

  test("the index is rebuilt from disk after a restart", async () => {
    const id: Id<"articles"> = await http.mutation(api.articles.add, {
      title: "persist",
      section: "restart",
      body: "homothétie",
    });
    await http.mutation(api.articles.add, {
      title: "gone",
      section: "restart",
      body: "homothétie",
    });
    const gone = (
      await http.query(api.articles.searchExcept, {
        query: "homothétie",
        exclude: "persist",
      })
    )[0]?._id;
    expect(gone).toBeDefined();
    await http.mutation(api.articles.remove, { id: gone as Id<"articles"> });
    await http.mutation(api.articles.setBody, { id, body: "homothétie et rotation" });
    expect(await runtime.stop()).toBe(0);
    runtime = await startRuntime({ dataDir });
    http = new ConvexHttpClient(runtime.url);
    expect(
      await http.query(api.articles.search, { query: "homothétie", section: "restart" }),
    ).toEqual(["persist"]);
    expect(
      await http.query(api.articles.search, { query: "rotation", section: "restart" }),
    ).toEqual(["persist"]);
  });
});
