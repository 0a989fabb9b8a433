// Benchmark: pickup latency (enqueue → claim) with the subscription wake-up
// and with polling only, echo throughput with 1 and 2 workers, and the idle
// worker's RSS and CPU. Real processes: the local Convex runtime and
// `nexus-worker start`. Latencies use the server's own timestamps
// (claimedAt − createdAt). Last stdout line: one JSON object.
import { readFileSync } from "node:fs";
import { api } from "../../../convex/_generated/api.js";
import {
  type Runtime,
  startRuntime,
  startWorkerProcess,
  type WorkerProc,
} from "../test/harness.ts";

const TARGETS = { wakeupP50Ms: 100, wakeupP99Ms: 500, idleCpuPercent: 1, idleRssMb: 150 };
const WAKEUP_SAMPLES = 60;
const POLLING_SAMPLES = 16;
const THROUGHPUT_JOBS = 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function enqueue(runtime: Runtime, sleepMs = 0) {
  return (
    await runtime.staff.mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs },
    })
  ).job.id;
}

async function waitAllFinished(runtime: Runtime, ids: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const jobs = new Map<
    string,
    { createdAt: number; claimedAt: number | null; finishedAt: number | null }
  >();
  for (const id of ids) {
    for (;;) {
      const { job } = await runtime.staff.query(api.jobs.get, { jobId: id });
      if (job.status === "completed") {
        jobs.set(id, job);
        break;
      }
      if (Date.now() > deadline) throw new Error(`job ${id} not completed in time`);
      await sleep(50);
    }
  }
  return [...jobs.values()];
}

async function pickupLatencies(runtime: Runtime, samples: number, spacingMs: () => number) {
  const ids: string[] = [];
  for (let i = 0; i < samples; i++) {
    ids.push(await enqueue(runtime));
    await sleep(spacingMs());
  }
  const jobs = await waitAllFinished(runtime, ids, 60_000);
  return jobs.map((j) => (j.claimedAt ?? Number.NaN) - j.createdAt);
}

async function throughput(runtime: Runtime, workerCount: number): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < THROUGHPUT_JOBS; i++) ids.push(await enqueue(runtime));
  const workers: WorkerProc[] = [];
  for (let i = 0; i < workerCount; i++) {
    workers.push(
      await startWorkerProcess(runtime.url, { WORKER_ID: `bench-tp-${workerCount}-${i}` }),
    );
  }
  const jobs = await waitAllFinished(runtime, ids, 120_000);
  await Promise.all(workers.map((w) => w.stop()));
  const start = Math.min(...jobs.map((j) => j.claimedAt ?? Number.POSITIVE_INFINITY));
  const end = Math.max(...jobs.map((j) => j.finishedAt ?? 0));
  return Math.round((jobs.length / Math.max(1, end - start)) * 1000);
}

/** utime+stime in clock ticks (100 Hz on Linux) and RSS in MB, from /proc. */
function procSample(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  return { ticks, rssMb: rssKb / 1024 };
}

async function idleUsage(runtime: Runtime) {
  const w = await startWorkerProcess(runtime.url, { WORKER_ID: "bench-idle" });
  await sleep(3_000); // let start-up settle
  const pid = w.child.pid!;
  const before = procSample(pid);
  const t0 = performance.now();
  await sleep(10_000);
  const after = procSample(pid);
  const seconds = (performance.now() - t0) / 1000;
  await w.stop();
  return {
    cpuPercent: Number((((after.ticks - before.ticks) / 100 / seconds) * 100).toFixed(2)),
    rssMb: Math.round(after.rssMb),
  };
}

const runtime = await startRuntime();
try {
  // 1. Wake-up: the default 5 s poll would dominate if the subscription did not work.
  const wake = await startWorkerProcess(runtime.url, {
    WORKER_ID: "bench-wake",
    POLL_INTERVAL_MS: "5000",
  });
  const wakeup = await pickupLatencies(runtime, WAKEUP_SAMPLES, () => 50 + Math.random() * 100);
  await wake.stop();

  // 2. Polling only, default 5 s interval: jobs arrive at random moments.
  const poll = await startWorkerProcess(runtime.url, {
    WORKER_ID: "bench-poll",
    POLL_INTERVAL_MS: "5000",
    WORKER_DISABLE_SUBSCRIPTION: "1",
  });
  const polling = await pickupLatencies(
    runtime,
    POLLING_SAMPLES,
    () => 400 + Math.random() * 1_200,
  );
  await poll.stop();

  // 3. Throughput of 0 ms jobs (4 slots per worker).
  const oneWorker = await throughput(runtime, 1);
  const twoWorkers = await throughput(runtime, 2);

  // 4. Idle cost.
  const idle = await idleUsage(runtime);

  const summary = (values: number[]) => ({
    n: values.length,
    p50Ms: Math.round(percentile(values, 50)),
    p99Ms: Math.round(percentile(values, 99)),
    meanMs: Math.round(values.reduce((a, b) => a + b, 0) / values.length),
  });
  const result = {
    benchmark: "worker-pickup",
    pickup: { wakeup: summary(wakeup), pollingOnly: summary(polling) },
    throughputJobsPerSecond: { oneWorker, twoWorkers, jobs: THROUGHPUT_JOBS },
    idle,
    targets: TARGETS,
    ok:
      percentile(wakeup, 50) < TARGETS.wakeupP50Ms &&
      percentile(wakeup, 99) < TARGETS.wakeupP99Ms &&
      idle.cpuPercent < TARGETS.idleCpuPercent &&
      idle.rssMb < TARGETS.idleRssMb,
  };
  console.log(JSON.stringify(result));
} finally {
  await runtime.stop();
}
process.exit(0);
