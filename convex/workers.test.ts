// The worker registry, the sweep cron and the queue liveness alarms.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker } from "./world.fixtures";

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

type T = ReturnType<typeof makeConvexTest>;

function register(t: T, workerId: string, kinds = ["system.echo"]) {
  return asWorker(t).mutation(api.workers.register, {
    workerId,
    host: "vps",
    version: "0.1.0",
    kinds,
    concurrency: { "system.echo": 4 },
  });
}

async function enqueueEcho(t: T, runAt = T0) {
  const { job } = await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
    kind: "system.echo",
    payload: { sleepMs: 0 },
    runAt,
  });
  return job.id as Id<"jobs">;
}

describe("worker registry", () => {
  it("registers, beats, stops", async () => {
    const t = makeConvexTest();
    await register(t, "w1");
    const jobId = await enqueueEcho(t);
    vi.setSystemTime(T0 + 5_000);
    expect(
      await asWorker(t).mutation(api.workers.beat, {
        workerId: "w1",
        currentJobs: [jobId],
        status: "online",
      }),
    ).toEqual({ known: true });
    let [w] = await (await asStaffMember(t)).query(api.workers.list, {});
    expect(w).toMatchObject({ workerId: "w1", status: "online", lastSeenAt: T0 + 5_000 });
    expect(w?.currentJobs).toEqual([jobId]);
    await asWorker(t).mutation(api.workers.stop, { workerId: "w1" });
    [w] = await (await asStaffMember(t)).query(api.workers.list, {});
    expect(w).toMatchObject({ status: "offline", currentJobs: [] });
    expect(
      await asWorker(t).mutation(api.workers.beat, {
        workerId: "ghost",
        currentJobs: [],
        status: "online",
      }),
    ).toEqual({ known: false });
  });

  it("the sweep marks silent workers offline and returns their expired jobs to the queue", async () => {
    const t = makeConvexTest();
    await register(t, "w1");
    await register(t, "w2");
    const jobId = await enqueueEcho(t);
    await asWorker(t).mutation(api.jobs.claim, {
      workerId: "w1",
      kinds: ["system.echo"],
      leaseMs: 10_000,
    });
    vi.setSystemTime(T0 + 20_000);
    await asWorker(t).mutation(api.workers.beat, {
      workerId: "w2",
      currentJobs: [],
      status: "online",
    });
    vi.setSystemTime(T0 + 31_000);
    expect(await t.mutation(internal.workers.sweep, {})).toEqual({
      markedOffline: 1,
      reclaimed: 1,
    });
    const workers = await (await asStaffMember(t)).query(api.workers.list, {});
    expect(workers.map((w) => [w.workerId, w.status])).toEqual([
      ["w2", "online"],
      ["w1", "offline"],
    ]);
    const { job } = await (await asStaffMember(t)).query(api.jobs.get, { jobId });
    expect(job).toMatchObject({ status: "pending", attempts: 1, leaseOwner: null });
  });
});

describe("queue alerts", () => {
  it("raises one queue_stalled alert with one notify job, then resolves it once a worker is online", async () => {
    const t = makeConvexTest();
    await enqueueEcho(t);
    vi.setSystemTime(T0 + 60_000);
    expect(await t.mutation(internal.alerts.evaluate, {})).toMatchObject({ opened: 0 });

    vi.setSystemTime(T0 + 121_000);
    const health = await (await asStaffMember(t)).query(api.alerts.health, { now: T0 + 121_000 });
    expect(health.kinds.find((k) => k.kind === "system.echo")).toMatchObject({
      oldestDueAgeMs: 121_000,
      workersOnline: 0,
    });
    expect(await t.mutation(internal.alerts.evaluate, {})).toEqual({
      opened: 1,
      resolved: 0,
      open: 1,
    });
    vi.setSystemTime(T0 + 181_000);
    expect(await t.mutation(internal.alerts.evaluate, {})).toEqual({
      opened: 0,
      resolved: 0,
      open: 1,
    });
    const [alert] = await (await asStaffMember(t)).query(api.alerts.list, {});
    expect(alert).toMatchObject({ kind: "queue_stalled", jobKind: "system.echo", status: "open" });
    expect(alert?.message).toContain("aucun worker");
    const notify = await t.run((ctx) =>
      ctx.db
        .query("jobs")
        .withIndex("by_kind_and_createdAt", (q) => q.eq("kind", "alerts.notify"))
        .collect(),
    );
    expect(notify).toHaveLength(1);
    expect(notify[0]?.payload).toEqual({ alertId: alert?.id });
    expect(alert?.notifyJobId).toBe(notify[0]?._id);

    await register(t, "w1");
    expect(await t.mutation(internal.alerts.evaluate, {})).toEqual({
      opened: 0,
      resolved: 1,
      open: 0,
    });
    const [resolved] = await (await asStaffMember(t)).query(api.alerts.list, {});
    expect(resolved).toMatchObject({ status: "resolved", resolvedAt: T0 + 181_000 });
  });

  it("honours ALERT_STALL_AFTER_MS", async () => {
    vi.stubEnv("ALERT_STALL_AFTER_MS", "10000");
    const t = makeConvexTest();
    await enqueueEcho(t);
    vi.setSystemTime(T0 + 11_000);
    expect((await t.mutation(internal.alerts.evaluate, {})).opened).toBe(1);
  });

  it("raises failure_rate when most jobs of the last hour failed", async () => {
    const t = makeConvexTest();
    await register(t, "w1");
    for (let i = 0; i < 6; i++) {
      const jobId = await enqueueEcho(t);
      const c = await asWorker(t).mutation(api.jobs.claim, {
        workerId: "w1",
        kinds: ["system.echo"],
        leaseMs: 5_000,
      });
      const args = { jobId, claimToken: c!.claimToken };
      if (i === 0) await asWorker(t).mutation(api.jobs.complete, args);
      else
        await asWorker(t).mutation(api.jobs.fail, {
          ...args,
          error: { message: "x" },
          retryable: false,
        });
    }
    const stats = await (await asStaffMember(t)).query(api.jobs.stats, { now: Date.now() });
    expect(stats.health.lastHour).toMatchObject({ completed: 1, failed: 5 });
    expect(stats.counts).toEqual(
      expect.arrayContaining([
        { kind: "system.echo", status: "failed", count: 5 },
        { kind: "system.echo", status: "completed", count: 1 },
      ]),
    );
    expect((await t.mutation(internal.alerts.evaluate, {})).opened).toBe(1);
    const [alert] = await (await asStaffMember(t)).query(api.alerts.list, {});
    expect(alert).toMatchObject({ kind: "failure_rate", status: "open" });
    // An hour later the failures have aged out: resolved.
    vi.setSystemTime(T0 + 3_600_001);
    await asWorker(t).mutation(api.workers.beat, {
      workerId: "w1",
      currentJobs: [],
      status: "online",
    });
    expect((await t.mutation(internal.alerts.evaluate, {})).resolved).toBe(1);
  });

  it("marks an alert notified once", async () => {
    const t = makeConvexTest();
    const alertId = await t.run((ctx) =>
      ctx.db.insert("alerts", {
        kind: "failure_rate",
        status: "open",
        message: "m",
        openedAt: T0,
      }),
    );
    await asWorker(t).mutation(api.alerts.markNotified, { alertId });
    vi.setSystemTime(T0 + 1_000);
    await asWorker(t).mutation(api.alerts.markNotified, { alertId });
    const alert = await t.run((ctx) => ctx.db.get(alertId));
    expect(alert?.notifiedAt).toBe(T0);
  });
});
