import type { JobKind } from "@nexus/shared/jobs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONCURRENCY } from "./config.ts";
import type { WorkerConvex } from "./handler.ts";
import { createLogger } from "./logger.ts";
import { MemoryQueue } from "./memory-queue.test-helpers.ts";
import { createRegistry, defaultHandlers } from "./registry.ts";
import { Worker } from "./worker.ts";

function makeWorker(
  queue: MemoryQueue,
  options: {
    pollIntervalMs?: number;
    disableSubscription?: boolean;
    graceMs?: number;
    echo?: number;
  } = {},
) {
  return new Worker({
    queue,
    registry: createRegistry(defaultHandlers),
    convex: {} as WorkerConvex,
    log: createLogger({ write: () => {} }),
    workerId: "w1",
    concurrency: { ...DEFAULT_CONCURRENCY, "system.echo": options.echo ?? 2 },
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    leaseMs: 1_000,
    heartbeatMs: 50,
    beatIntervalMs: 1_000,
    shutdownGraceMs: options.graceMs ?? 10_000,
    disableSubscription: options.disableSubscription ?? false,
    retryBaseMsOverride: 1,
  });
}

function statuses(queue: MemoryQueue) {
  return [...queue.jobs.values()].map((j) => j.status);
}

async function until(check: () => boolean) {
  for (let i = 0; i < 2_500 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!check()) throw new Error("condition never met");
}

describe("Worker", () => {
  it("drains the queue through subscription wake-ups, within its concurrency", async () => {
    const queue = new MemoryQueue();
    const worker = makeWorker(queue, { echo: 2 });
    await worker.start();
    for (let i = 0; i < 20; i++) queue.add("system.echo", { sleepMs: 3 });
    // The poll interval is a minute: only wake-ups can drain this quickly.
    await until(() => statuses(queue).every((s) => s === "completed"));
    expect(queue.maxRunning.get("system.echo")).toBe(2);
    await worker.shutdown();
    expect(queue.calls).toContain("stop");
  });

  it("drains the queue by polling alone when the subscription is disabled", async () => {
    const queue = new MemoryQueue();
    for (let i = 0; i < 5; i++) queue.add("system.echo", { sleepMs: 0 });
    const worker = makeWorker(queue, { disableSubscription: true, pollIntervalMs: 50 });
    await worker.start();
    await until(() => statuses(queue).every((s) => s === "completed"));
    queue.add("system.echo", { sleepMs: 0 }); // no wake-up: found by the next poll
    await until(() => statuses(queue).every((s) => s === "completed"));
    expect(worker.status().subscription).toBe("disabled");
    await worker.shutdown();
  });

  it("claims only the kinds it has handlers for", async () => {
    const queue = new MemoryQueue();
    const ingest = queue.add("document.ingest" as JobKind, { documentId: "d" });
    const echo = queue.add("system.echo", { sleepMs: 0 });
    const worker = makeWorker(queue, { pollIntervalMs: 50 });
    await worker.start();
    await until(() => queue.get(echo).status === "completed");
    // Two more claims after the echo (polls, counted, not a fixed sleep a loaded machine could
    // outlast): each had its chance to take the ingest job. Mutant this catches: the worker
    // claiming every job kind instead of its handlers' kinds.
    const claims = () => queue.calls.filter((call) => call === "claim").length;
    const before = claims();
    await until(() => claims() >= before + 2);
    expect(queue.get(ingest).status).toBe("pending");
    await worker.shutdown();
  });

  it("retries a failing job after its backoff and completes it", async () => {
    const queue = new MemoryQueue();
    const id = queue.add("system.echo", { sleepMs: 0, failTimes: 2 }, { maxAttempts: 3 });
    const worker = makeWorker(queue);
    await worker.start();
    await until(() => queue.get(id).status === "completed");
    expect(queue.get(id).attempts).toBe(3);
    await worker.shutdown();
  });

  it("backs off and keeps going when claims fail", async () => {
    const queue = new MemoryQueue();
    queue.failClaims = 3;
    const id = queue.add("system.echo", { sleepMs: 0 });
    const worker = makeWorker(queue, { pollIntervalMs: 50 });
    await worker.start();
    await until(() => queue.get(id).status === "completed");
    expect(worker.status().failedCalls).toBe(3);
    await worker.shutdown();
  });

  it("on shutdown, lets running jobs finish and claims nothing more", async () => {
    const queue = new MemoryQueue();
    const running = queue.add("system.echo", { sleepMs: 100 });
    const worker = makeWorker(queue, { echo: 1 });
    await worker.start();
    await until(() => queue.get(running).status === "running");
    const waiting = queue.add("system.echo", { sleepMs: 0 });
    await worker.shutdown("SIGTERM");
    expect(queue.get(running).status).toBe("completed");
    expect(queue.get(waiting).status).toBe("pending");
    expect(worker.status().state).toBe("stopped");
  });

  it("releases jobs still running when the grace period ends, or at once on a second request", async () => {
    const queue = new MemoryQueue();
    const a = queue.add("system.echo", { sleepMs: 60_000 });
    const worker = makeWorker(queue, { graceMs: 30 });
    await worker.start();
    await until(() => queue.get(a).status === "running");
    await worker.shutdown();
    expect(queue.get(a)).toMatchObject({ status: "pending", attempts: 0 });

    const queue2 = new MemoryQueue();
    const b = queue2.add("system.echo", { sleepMs: 60_000 });
    const worker2 = makeWorker(queue2, { graceMs: 60_000 });
    await worker2.start();
    await until(() => queue2.get(b).status === "running");
    const first = worker2.shutdown("SIGTERM");
    await worker2.shutdown("SIGTERM"); // second signal
    await first;
    expect(queue2.get(b).status).toBe("pending");
  });
});
