// The centre-scale generator at a tenth of its size (the full size and its timings are
// `bun run bench`'s: bench/centre-scale.bench.ts). Checks, strictly, that the data is the
// centre's (counts, the app's counters agreeing with the documents) and that the runtime
// answers correctly on it, before and after a restart; sizes and memory loosely (no
// timing: they depend on the machine's load).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mondayOf } from "../../../convex/model/stats";
import { centreCounts } from "../bench/centre/generate.ts";
import {
  centreCalls,
  centreClients,
  dataSizes,
  residentMemory,
  SEARCH_QUESTIONS,
} from "../bench/centre/measure.ts";
import { DurableStore } from "../src/durable-store.ts";
import { packageDir, removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

const SCALE = 0.1;
const repoRoot = join(packageDir, "../..");
const functionsDir = join(repoRoot, "convex");
const runtimeEnv = { EMBEDDINGS_PROVIDER: "local", OPENAI_API_KEY: "" };
let dataDir = "";
let summary: { probe: { query: string; documentTitle: string }; jobs: number };

function generate(dir: string): Promise<typeof summary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "bun",
      [join(packageDir, "bench/centre/generate-cli.ts"), "--data", dir, "--scale", `${SCALE}`],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("close", (code) => {
      if (code !== 0) reject(new Error(`generator exited with ${code}:\n${err}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
    });
  });
}

beforeAll(async () => {
  dataDir = tempDataDir("centre");
  summary = await generate(dataDir);
}, 900_000);

afterAll(() => {
  if (dataDir) removeDir(dataDir);
});

describe("a centre at a tenth of its size", () => {
  test("the generator writes the centre's counts, with the app's counters agreeing", () => {
    const expected = centreCounts(SCALE);
    const sizes = dataSizes(dataDir);
    expect(sizes.tables.students).toBe(expected.students);
    expect(sizes.tables.bilans).toBe(expected.bilans);
    expect(sizes.tables.jobs).toBe(expected.jobs);
    expect(sizes.tables.chunks).toBe(expected.chunks);
    expect(sizes.tables.documents).toBe(expected.documents);
    expect(sizes.vectorValues).toBe(expected.chunks * 1536);
    // Every job has its events (enqueued, then claimed… as the worker writes them).
    expect(sizes.tables.jobEvents).toBeGreaterThanOrEqual(3 * expected.jobs);
    const { store, state } = DurableStore.open(dataDir, { warn: () => {} });
    try {
      const byKindAndStatus = new Map<string, number>();
      const counters = new Map<string, number>();
      // The dashboard's weekly summaries against a recount of the daily/weekly counter rows.
      const recount = new Map<string, number>();
      const summaries = new Map<string, number>();
      for (const [id, doc] of state.documents) {
        if (/^[0-9]+statCounters$/.test(id)) {
          const key = `${doc.metric} ${mondayOf(String(doc.bucket))} ${doc.key}`;
          recount.set(key, (recount.get(key) ?? 0) + Number(doc.count));
        }
        if (/^[0-9]+statWeeks$/.test(id)) {
          for (const entry of doc.entries as Array<{ key: string; count: number }>) {
            summaries.set(`${doc.metric} ${doc.week} ${entry.key}`, entry.count);
          }
        }
        if (id.endsWith("jobs") && /^[0-9]+jobs$/.test(id)) {
          const key = `${doc.kind}|${doc.status}`;
          byKindAndStatus.set(key, (byKindAndStatus.get(key) ?? 0) + 1);
        }
        if (/^[0-9]+jobCounts$/.test(id) && Number(doc.count) > 0) {
          counters.set(`${doc.kind}|${doc.status}`, Number(doc.count));
        }
      }
      expect(Object.fromEntries(counters)).toEqual(Object.fromEntries(byKindAndStatus));
      expect(summaries.size).toBeGreaterThan(100);
      expect(Object.fromEntries(summaries)).toEqual(Object.fromEntries(recount));
      expect(byKindAndStatus.get("aria.answer|completed")).toBeGreaterThan(0);
      expect([...byKindAndStatus.keys()].some((key) => key.endsWith("|failed"))).toBe(true);
    } finally {
      store.close();
    }
  });

  test("the folder holds vectors as float32 bytes and stays under twice the raw data", () => {
    const sizes = dataSizes(dataDir);
    const snapshot = readFileSync(join(dataDir, "snapshot.jsonl"), "utf8");
    expect(snapshot).toContain('"$f32"');
    // As decimal JSON (format 1) the same data took about 1.5 times the raw size.
    expect(sizes.jsonBytes).toBeGreaterThan(1.3 * sizes.rawBytes);
    expect(sizes.folderBytes).toBeLessThan(2 * sizes.rawBytes);
  });

  test("search, dashboards and a coach's home answer the same after a restart", async () => {
    const adminKey = readFileSync(join(dataDir, "admin-key"), "utf8").trim();
    const observe = async () => {
      const runtime = await startRuntime({ dataDir, functionsDir, env: runtimeEnv, cwd: repoRoot });
      try {
        const calls = centreCalls(centreClients(runtime.url, adminKey));
        const probe = await calls.search(summary.probe.query);
        const searches = [];
        for (const question of SEARCH_QUESTIONS.slice(0, 4))
          searches.push(await calls.search(question));
        const jobStats = await calls.jobStats();
        const dashboard = await calls.dashboard();
        const coachHome = await calls.coachHome();
        const memory = residentMemory(runtime.child.pid!);
        return { probe, searches, jobStats, dashboard, coachHome, memory };
      } finally {
        await runtime.stop();
      }
    };
    const before = await observe();
    const after = await observe();

    // The one chunk carrying the probe word comes first, from its document.
    expect(before.probe[0]?.documentTitle).toBe(summary.probe.documentTitle);
    expect(before.probe[0]?.text).toContain(summary.probe.query);
    for (const hits of before.searches) expect(hits.length).toBe(5);
    // Identical after a restart: same chunks, same scores, same order.
    const ranked = (hits: typeof before.probe) => hits.map((h) => [h.chunkId, h.score]);
    expect(ranked(after.probe)).toEqual(ranked(before.probe));
    expect(after.searches.map(ranked)).toEqual(before.searches.map(ranked));

    // jobs.stats counts what was written.
    const total = before.jobStats.counts.reduce((sum, c) => sum + c.count, 0);
    expect(total).toBe(summary.jobs);
    expect(after.jobStats.counts).toEqual(before.jobStats.counts);
    // The dashboard's job outcomes: the last 26 weeks of completed jobs, a good part of the year.
    const completed = before.dashboard.jobs
      .filter((series) => series.outcome === "completed")
      .flatMap((series) => series.counts)
      .reduce((sum, count) => sum + count, 0);
    expect(completed).toBeGreaterThan(summary.jobs / 3);
    expect(completed).toBeLessThan(summary.jobs);
    expect(after.dashboard).toEqual(before.dashboard);
    // The coach of the first élèves sees them with their bilans.
    expect(before.coachHome.page.length).toBeGreaterThan(0);
    expect(after.coachHome.page.map((row) => row.student._id)).toEqual(
      before.coachHome.page.map((row) => row.student._id),
    );

    // Loosely: far below the centre's bound (1.5 GB at full size).
    expect(after.memory.rss).toBeLessThan(1.5 * 1024 ** 3);
  }, 300_000);
});
