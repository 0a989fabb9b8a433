// The worker as real processes against the local Convex runtime: exactly-once
// completion with two workers, crash recovery through leases, graceful
// shutdown, retries with backoff, polling without the subscription, health.

import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "../../../convex/_generated/api.js";
import {
  type Runtime,
  runCliProcess,
  startRuntime,
  startWorkerProcess,
  type WorkerProc,
  waitFor,
} from "./harness.ts";

let runtime: Runtime;
const workers: WorkerProc[] = [];

beforeAll(async () => {
  runtime = await startRuntime();
});

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await Promise.all(workers.map((w) => w.exited));
  await runtime?.stop();
});

async function spawnWorker(env: Record<string, string>) {
  const w = await startWorkerProcess(runtime.url, env);
  workers.push(w);
  return w;
}

async function enqueueEcho(payload: { sleepMs: number; failTimes?: number }, maxAttempts?: number) {
  const { job } = await runtime.staff.mutation(api.jobs.enqueue, {
    kind: "system.echo",
    payload,
    maxAttempts,
  });
  return job.id;
}

function getJob(jobId: string) {
  return runtime.staff.query(api.jobs.get, { jobId });
}

async function allJobs(status?: "pending" | "running" | "completed" | "failed" | "cancelled") {
  const out = [];
  let cursor: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof runtime.staff.query<typeof api.jobs.list>>> =
      await runtime.staff.query(api.jobs.list, {
        status,
        paginationOpts: { numItems: 200, cursor },
      });
    out.push(...page.page);
    if (page.isDone) return out;
    cursor = page.continueCursor;
  }
}

function finishedLines(w: WorkerProc) {
  return w.logs().filter((l) => l.msg === "job.finished");
}

describe("worker processes against the local runtime", () => {
  it("completes 200 echo jobs exactly once with two workers", async () => {
    const [a, b] = await Promise.all([
      spawnWorker({ WORKER_ID: "it-a" }),
      spawnWorker({ WORKER_ID: "it-b" }),
    ]);
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add(await enqueueEcho({ sleepMs: i % 10 }));
    await waitFor(
      async () => (await allJobs("completed")).filter((j) => ids.has(j.id)).length === 200,
      60_000,
      "200 completed jobs",
    );
    const completedLines = [...finishedLines(a), ...finishedLines(b)].filter(
      (l) => l.outcome === "completed" && ids.has(l.jobId),
    );
    expect(completedLines).toHaveLength(200);
    expect(new Set(completedLines.map((l) => l.jobId)).size).toBe(200);
    // Both workers took part.
    expect(finishedLines(a).length).toBeGreaterThan(0);
    expect(finishedLines(b).length).toBeGreaterThan(0);
    // Every job: one claim, one completion, one attempt.
    const sample = [...ids].slice(0, 20);
    for (const id of sample) {
      const { job, events } = await getJob(id);
      expect(job).toMatchObject({ status: "completed", attempts: 1 });
      expect(events.filter((e) => e.type === "completed")).toHaveLength(1);
      expect(events.filter((e) => e.type === "claimed")).toHaveLength(1);
    }
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });

  it("reclaims the job of a worker killed with SIGKILL after its lease and completes it once", async () => {
    const leaseEnv = { LEASE_MS: "1500", POLL_INTERVAL_MS: "300" };
    const victim = await spawnWorker({ ...leaseEnv, WORKER_ID: "it-victim" });
    const id = await enqueueEcho({ sleepMs: 2_500 });
    // By subscription: the claim is seen when it happens, well inside the job's 2.5 s.
    await runtime.waitForQuery(
      api.jobs.get,
      { jobId: id },
      (got) => got.job.status === "running" && got.job.leaseOwner === "it-victim",
      10_000,
      "victim claim",
    );
    victim.kill("SIGKILL");
    await victim.exited;
    const rescuer = await spawnWorker({ ...leaseEnv, WORKER_ID: "it-rescuer" });
    const { job, events } = await waitFor(
      async () => {
        const got = await getJob(id);
        return got.job.status === "completed" ? got : null;
      },
      20_000,
      "reclaimed job to complete",
    );
    expect(job.attempts).toBe(2);
    expect(job.leaseOwner).toBe("it-rescuer");
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["claimed", "lease_expired", "completed"]),
    );
    expect(events.filter((e) => e.type === "completed")).toHaveLength(1);
    expect(await rescuer.stop()).toBe(0);
  });

  it("on SIGTERM lets running jobs finish and leaves nothing running", async () => {
    const w = await spawnWorker({ WORKER_ID: "it-term", WORKER_CONCURRENCY: "system.echo=2" });
    const port = await w.healthPort();
    const ids = [await enqueueEcho({ sleepMs: 1_500 }), await enqueueEcho({ sleepMs: 1_500 })];
    // Running in the worker, not only claimed in the database: a claim whose answer reaches
    // the worker after SIGTERM is given straight back (released), as it should be. Asked of
    // the worker's own health endpoint: local, cheap, well inside the jobs' 1.5 s.
    await waitFor(
      async () => {
        const status = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as {
          running: { jobId: string }[];
        };
        return ids.every((id) => status.running.some((job) => job.jobId === id));
      },
      10_000,
      "both jobs running in the worker",
    );
    expect(await w.stop()).toBe(0);
    for (const id of ids) expect((await getJob(id)).job.status).toBe("completed");
    expect(await allJobs("running")).toEqual([]);
    const [registry] = (await runtime.staff.query(api.workers.list, {})).filter(
      (x) => x.workerId === "it-term",
    );
    expect(registry?.status).toBe("offline");
    expect(w.logs().map((l) => l.msg)).toEqual(
      expect.arrayContaining(["worker.stopping", "worker.stopped"]),
    );
  });

  it("retries a throwing handler with backoff, then leaves it failed with its message", async () => {
    const w = await spawnWorker({ WORKER_ID: "it-retry", WORKER_RETRY_BASE_MS: "200" });
    const id = await enqueueEcho({ sleepMs: 0, failTimes: 10 }, 3);
    const { job, events } = await waitFor(
      async () => {
        const got = await getJob(id);
        return got.job.status === "failed" ? got : null;
      },
      20_000,
      "job to fail",
    );
    expect(job.attempts).toBe(3);
    expect(job.lastError?.message).toBe("system.echo: échec volontaire (tentative 3/10)");
    expect(job.lastError?.stack).toContain("system-echo.ts");
    const retries = events.filter((e) => e.type === "retry_scheduled");
    expect(retries).toHaveLength(2);
    // Stored schedule: 200 ms then 400 ms, ±20 % jitter.
    retries.forEach((e, i) => {
      const delay = (e.data as { runAt: number }).runAt - e.at;
      expect(delay).toBeGreaterThanOrEqual(200 * 2 ** i * 0.8);
      expect(delay).toBeLessThanOrEqual(200 * 2 ** i * 1.2);
    });
    // The next claim happened after the scheduled runAt.
    const claims = events.filter((e) => e.type === "claimed");
    retries.forEach((e, i) => {
      expect(claims[i + 1]!.at).toBeGreaterThanOrEqual((e.data as { runAt: number }).runAt);
    });
    expect(await w.stop()).toBe(0);
  });

  it("drains the queue by polling alone when the subscription is disabled", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(await enqueueEcho({ sleepMs: 0 }));
    const w = await spawnWorker({
      WORKER_ID: "it-poll",
      WORKER_DISABLE_SUBSCRIPTION: "1",
      POLL_INTERVAL_MS: "300",
    });
    expect(w.logs().find((l) => l.msg === "worker.started")?.subscription).toBe(false);
    await waitFor(
      async () => (await allJobs("completed")).filter((j) => ids.has(j.id)).length === 20,
      20_000,
      "polling to drain",
    );
    // Work enqueued later is found by the next poll.
    const late = await enqueueEcho({ sleepMs: 0 });
    await waitFor(async () => (await getJob(late)).job.status === "completed", 10_000, "late job");
    expect(await w.stop()).toBe(0);
  });

  it("answers liveness and readiness over HTTP", async () => {
    const w = await spawnWorker({ WORKER_ID: "it-health" });
    const port = await w.healthPort();
    const live = await fetch(`http://127.0.0.1:${port}/livez`);
    expect(live.status).toBe(200);
    const ready = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : null;
    });
    expect(ready).toMatchObject({ ready: true, connected: true, workerId: "it-health" });
    expect(await w.stop()).toBe(0);
  });

  it("refuses to start with a key the deployment does not know, or none, with a clear message", async () => {
    const stranger = await generateServiceKeyPair();
    const w = await startWorkerProcess(
      runtime.url,
      { WORKER_PRIVATE_KEY: JSON.stringify(stranger.privateJwk), WORKER_ID: "it-wrong" },
      { waitStarted: false },
    );
    workers.push(w);
    expect(await w.exited).toBe(1);
    const failure = w.logs().find((l) => l.msg === "worker.start_failed");
    expect(failure).toMatchObject({ errorCode: "WORKER_AUTH" });
    expect(failure?.error).toMatch(/réservée au worker/);
    const missing = await runCliProcess(runtime, ["start"], { WORKER_PRIVATE_KEY: "" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /WORKER_PRIVATE_KEY \(ou WORKER_PRIVATE_KEY_FILE\) est obligatoire/,
    );
  });
});
