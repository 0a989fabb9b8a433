// Benchmark: the local runtime holding a centre's year of data (bench/centre/generate.ts:
// 500 élèves, 3,000 bilans, 60,000 jobs with their events, 20,000 chunks with 1536-dim
// vectors at full size), at several sizes (CENTRE_SCALES, default "0.1,0.5,1") to show
// how the figures grow. Per size: generation (its own process), the data folder against
// the raw data, a cold start, a restart (SIGTERM → exit, start → ready), the runtime's
// resident memory after the queries, hybrid search (`knowledge.search`, 100 calls) and
// the dashboards (`stats.dashboard`, `jobs.stats`, a coach's `listMineWithLatestBilan`,
// 100 calls each) measured by an HTTP client; the machine's load average beside them.
// CENTRE_KEEP_DIR=<dir> keeps each size's generated folder there (`scale-<s>`, with its
// generator summary beside it) and reuses it on the next run: measurements can be rerun
// when the machine is quiet without generating again.
// Last stdout line: one JSON object.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  centreCalls,
  centreClients,
  cpuMilliseconds,
  dataSizes,
  percentile,
  residentMemory,
  SEARCH_QUESTIONS,
} from "./centre/measure.ts";

const TARGETS = {
  restartSeconds: 5,
  /** Checked against the peak as well as the resident after the queries. */
  residentMB: 1500,
  folderOverRaw: 2,
  searchP50Ms: 50,
  dashboardP50Ms: 10,
};
const SCALES = (process.env.CENTRE_SCALES ?? "0.1,0.5,1").split(",").map(Number);
const CALLS = Number(process.env.CENTRE_CALLS ?? 100);
const repoRoot = join(import.meta.dir, "../../..");
const log = (message: string) => console.error(`[centre-scale] ${message}`);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const load = () => loadavg().map((x) => round(x, 2));

interface Runtime {
  url: string;
  pid: number;
  stop(): Promise<number>;
}

async function startRuntime(
  dataDir: string,
): Promise<Runtime & { readySeconds: number; readyCpuSeconds: number }> {
  const started = performance.now();
  const proc = Bun.spawn(
    [
      "bun",
      join(repoRoot, "packages/convex-local/bin/convex-local.ts"),
      "--functions",
      join(repoRoot, "convex"),
      "--data",
      dataDir,
      "--port",
      "0",
      "--site-port",
      "0",
      "--quiet",
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, EMBEDDINGS_PROVIDER: "local", OPENAI_API_KEY: "" },
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const reader = proc.stdout.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the runtime exited before it was ready:\n${text}`);
    text += new TextDecoder().decode(value);
    const url = /Convex local runtime ready at (\S+)/.exec(text)?.[1];
    if (url) {
      const readySeconds = (performance.now() - started) / 1000;
      const readyCpuSeconds = cpuMilliseconds(proc.pid) / 1000;
      // Keep draining stdout so the runtime never blocks on a full pipe.
      void (async () => {
        while (!(await reader.read()).done) {}
      })();
      return {
        url,
        pid: proc.pid,
        readySeconds,
        readyCpuSeconds,
        async stop() {
          const t0 = performance.now();
          proc.kill("SIGTERM");
          await proc.exited;
          return (performance.now() - t0) / 1000;
        },
      };
    }
  }
}

/** Latencies seen by the client, and the runtime's CPU time per call (steadier under load). */
async function timed<T>(pid: number, calls: number, run: (i: number) => Promise<T>) {
  for (let i = 0; i < 3; i++) await run(i);
  const ms: number[] = [];
  const cpuBefore = cpuMilliseconds(pid);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await run(i);
    ms.push(performance.now() - t0);
  }
  const cpuMsPerCall = round((cpuMilliseconds(pid) - cpuBefore) / calls);
  return {
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    cpuMsPerCall,
    calls,
  };
}

interface GeneratorSummary {
  seconds: number;
  jobs: number;
  probe: { query: string; documentTitle: string };
}

async function generate(dataDir: string, scale: number): Promise<GeneratorSummary> {
  log(`scale ${scale}: generating (load ${load().join(" ")})`);
  const generator = Bun.spawn(
    [
      "bun",
      join(import.meta.dir, "centre/generate-cli.ts"),
      "--data",
      dataDir,
      "--scale",
      `${scale}`,
    ],
    { cwd: repoRoot, stdout: "pipe", stderr: "inherit" },
  );
  const output = await new Response(generator.stdout).text();
  if ((await generator.exited) !== 0) throw new Error("the generator failed");
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as GeneratorSummary;
}

async function measureScale(scale: number) {
  const keep = process.env.CENTRE_KEEP_DIR;
  const dataDir = keep
    ? join(keep, `scale-${scale}`)
    : join(tmpdir(), `centre-scale-${scale}-${process.pid}`);
  const summaryFile = `${dataDir}.summary.json`;
  try {
    let summary: GeneratorSummary;
    if (keep && existsSync(summaryFile)) {
      summary = JSON.parse(readFileSync(summaryFile, "utf8")) as GeneratorSummary;
      log(`scale ${scale}: reusing ${dataDir}`);
    } else {
      rmSync(dataDir, { recursive: true, force: true });
      if (keep) mkdirSync(keep, { recursive: true });
      summary = await generate(dataDir, scale);
      if (keep) writeFileSync(summaryFile, JSON.stringify(summary));
    }
    const sizes = dataSizes(dataDir);
    log(`scale ${scale}: ${JSON.stringify(sizes.tables)}`);

    const loadBefore = load();
    const cold = await startRuntime(dataDir);
    const adminKey = (await Bun.file(join(dataDir, "admin-key")).text()).trim();
    let calls = centreCalls(centreClients(cold.url, adminKey));
    const probeHits = await calls.search(summary.probe.query);
    const stopSeconds = await cold.stop();
    const warm = await startRuntime(dataDir);
    calls = centreCalls(centreClients(warm.url, adminKey));
    // The first search after the restart (it finishes the full-text index if the
    // background build has not).
    const firstSearchStarted = performance.now();
    const probeAfter = await calls.search(summary.probe.query);
    const firstSearchMs = performance.now() - firstSearchStarted;
    log(
      `scale ${scale}: start ${round(cold.readySeconds, 2)} s, stop ${round(stopSeconds, 2)} s, start again ${round(warm.readySeconds, 2)} s`,
    );

    const search = await timed(warm.pid, CALLS, (i) =>
      calls.search(SEARCH_QUESTIONS[i % SEARCH_QUESTIONS.length]!),
    );
    const dashboard = await timed(warm.pid, CALLS, () => calls.dashboard());
    const jobStats = await timed(warm.pid, CALLS, () => calls.jobStats());
    const coachHome = await timed(warm.pid, CALLS, () => calls.coachHome());
    const memory = residentMemory(warm.pid);
    await warm.stop();
    const loadAfter = load();
    const restartSeconds = stopSeconds + warm.readySeconds;
    const figures = {
      scale,
      tables: sizes.tables,
      generation: { seconds: round(summary.seconds), jobs: summary.jobs },
      data: {
        rawMB: round(sizes.rawBytes / 1e6),
        folderMB: round(sizes.folderBytes / 1e6),
        folderOverRaw: round(sizes.folderBytes / sizes.rawBytes, 2),
        formatOneJsonMB: round(sizes.jsonBytes / 1e6),
        vectorValues: sizes.vectorValues,
      },
      startSeconds: round(cold.readySeconds, 2),
      startCpuSeconds: round(cold.readyCpuSeconds, 2),
      stopSeconds: round(stopSeconds, 2),
      restartSeconds: round(restartSeconds, 2),
      restartStartCpuSeconds: round(warm.readyCpuSeconds, 2),
      firstSearchAfterRestartMs: round(firstSearchMs),
      residentMB: round(memory.rss / 1e6),
      peakResidentMB: round(memory.peak / 1e6),
      search,
      dashboard,
      jobStats,
      coachHome,
      probe: {
        found: probeHits[0]?.documentTitle === summary.probe.documentTitle,
        sameAfterRestart:
          JSON.stringify(probeHits.map((h) => [h.chunkId, h.score])) ===
          JSON.stringify(probeAfter.map((h) => [h.chunkId, h.score])),
      },
      loadAverage: { before: loadBefore, after: loadAfter },
    };
    log(JSON.stringify(figures));
    return figures;
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const scale of SCALES) results.push(await measureScale(scale));
const full = results.at(-1)!;
const ok =
  results.every((r) => r.probe.found && r.probe.sameAfterRestart) &&
  full.restartSeconds <= TARGETS.restartSeconds &&
  Math.max(full.residentMB, full.peakResidentMB) <= TARGETS.residentMB &&
  full.data.folderOverRaw <= TARGETS.folderOverRaw &&
  full.search.p50Ms <= TARGETS.searchP50Ms &&
  Math.max(full.dashboard.p50Ms, full.jobStats.p50Ms, full.coachHome.p50Ms) <=
    TARGETS.dashboardP50Ms;
console.log(
  JSON.stringify({
    benchmark: "centre-scale",
    machine: { cores: navigator.hardwareConcurrency },
    results,
    targets: TARGETS,
    ok,
  }),
);
process.exit(0);
