// Benchmark (run with `bun`): full-text search at 10k documents.
// 1. In process: `TextSearchIndex.search` (BM25 over the inverted index) against
//    the scan convex-test does without it (lowercase and split every document's
//    text on every query), on the same 10k generated texts and queries.
// 2. End to end: a `withSearchIndex(...).eq("section", …).take(40)` query over
//    HTTP against the runtime process holding 10k documents.
// Last stdout line: one JSON object.
import { ConvexHttpClient } from "convex/browser";
import { filterKeyOfJson, parseSearchQuery, TextSearchIndex } from "../src/text-search.ts";
import { api } from "../test/fixture/convex/_generated/api.js";
import { removeDir, startRuntime, tempDataDir } from "../test/runtime-process.ts";

const DOCUMENTS = Number(process.env.TEXT_BENCH_DOCUMENTS ?? 10_000);
const QUERIES = 200;
const TARGETS = { inProcessP99Ms: 10, httpP50Ms: 20, httpP99Ms: 50 };
const SECTIONS = ["algebre", "analyse", "geometrie", "probabilites"];

// Deterministic generator: a Zipf-like vocabulary of French-looking words.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const syllables = ["ma", "thé", "ri", "que", "fon", "tion", "dé", "vé", "lo", "gé", "pro", "ba"];
const vocabulary = Array.from({ length: 5000 }, (_, i) => {
  let word = "";
  let n = i + 1;
  do {
    word += syllables[n % syllables.length];
    n = Math.floor(n / syllables.length);
  } while (n > 0);
  return word;
});
const zipfWord = () => vocabulary[Math.floor(vocabulary.length ** random()) - 1] as string;
const text = (words: number) => Array.from({ length: words }, zipfWord).join(" ");
const articles = Array.from({ length: DOCUMENTS }, (_, i) => ({
  title: `a${i}`,
  section: SECTIONS[i % SECTIONS.length] as string,
  body: `${text(60 + Math.floor(random() * 80))}.`,
}));
const queries = Array.from({ length: QUERIES }, () => {
  const terms = Array.from({ length: 2 + Math.floor(random() * 3) }, zipfWord);
  // Half the queries are typed partially: the last term is a prefix.
  if (random() < 0.5) terms.push(zipfWord().slice(0, 3));
  return {
    query: terms.join(" "),
    section: SECTIONS[Math.floor(random() * SECTIONS.length)] as string,
  };
});

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};
const round = (n: number) => Math.round(n * 100) / 100;
const stats = (values: number[]) => ({
  p50Ms: round(percentile(values, 50)),
  p99Ms: round(percentile(values, 99)),
});

// ---- 1. in process ----
const index = new TextSearchIndex({
  name: "articles.search_body",
  table: "articles",
  searchField: "body",
  filterFields: ["section", "lang"],
});
const buildStart = performance.now();
articles.forEach((a, i) => {
  index.add(String(i), { ...a, _creationTime: i });
});
const buildMs = performance.now() - buildStart;
const indexed: number[] = [];
const scanned: number[] = [];
for (const { query, section } of queries) {
  let start = performance.now();
  index.search({ query, filters: [{ field: "section", key: filterKeyOfJson(section) }] });
  indexed.push(performance.now() - start);
  // What convex-test does without the index: no ranking, every text re-split.
  start = performance.now();
  const terms = parseSearchQuery(query).map((t) => t.term);
  articles.filter(
    (a) =>
      a.section === section &&
      a.body
        .split(/\s+/)
        .map((w) => w.toLowerCase())
        .some((w) => terms.some((t) => w.startsWith(t))),
  );
  scanned.push(performance.now() - start);
}

// ---- 2. over HTTP against the runtime process ----
const dataDir = tempDataDir("text-bench");
const runtime = await startRuntime({ dataDir });
try {
  const { url } = runtime;
  const http = new ConvexHttpClient(url, { logger: false });
  for (let i = 0; i < articles.length; i += 500) {
    await http.mutation(api.articles.addMany, { articles: articles.slice(i, i + 500) });
  }
  const overHttp: number[] = [];
  let empty = 0;
  for (const { query, section } of queries) {
    const start = performance.now();
    const titles = await http.query(api.articles.search, { query, section, limit: 40 });
    overHttp.push(performance.now() - start);
    if (titles.length === 0) empty += 1;
  }
  const inProcess = stats(indexed);
  const http50 = stats(overHttp);
  console.log(
    JSON.stringify({
      benchmark: "convex-local-text-search",
      documents: DOCUMENTS,
      queries: QUERIES,
      emptyResults: empty,
      indexBuildMs: Math.round(buildMs),
      inProcess: { index: inProcess, convexTestScan: stats(scanned) },
      http: http50,
      targets: TARGETS,
      ok:
        inProcess.p99Ms <= TARGETS.inProcessP99Ms &&
        http50.p50Ms <= TARGETS.httpP50Ms &&
        http50.p99Ms <= TARGETS.httpP99Ms,
    }),
  );
} finally {
  await runtime.stop();
  removeDir(dataDir);
}
