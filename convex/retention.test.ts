// Retention removes exactly what its policy says, at the boundaries: a row dated one
// millisecond before the cut-off goes, one dated at the cut-off stays; finished jobs go with
// their events and their count; pending jobs and aggregate statistics are never touched.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import { jobCounts } from "./model/jobCounts";
import { cutoff, RETENTION_POLICIES, retentionBatch } from "./model/retention";
import { as, asWorker, freshWorld, type T } from "./world.fixtures";

const NOW = Date.UTC(2026, 11, 1, 2, 30);
const days = (key: string) => RETENTION_POLICIES.find((p) => p.key === key)!;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

async function seed(t: T, userId: string) {
  return await t.run(async (ctx) => {
    const at = (key: string, delta: number) => cutoff(days(key), NOW) + delta;
    const job = (status: "completed" | "failed" | "pending", finishedAt?: number) =>
      ctx.db.insert("jobs", {
        kind: "system.echo",
        payload: { sleepMs: 0 },
        status,
        priority: 0,
        negPriority: 0,
        runAt: 0,
        attempts: 1,
        maxAttempts: 3,
        createdAt: 0,
        updatedAt: 0,
        ...(finishedAt !== undefined ? { finishedAt } : {}),
      });
    const oldJob = await job("completed", at("finishedJobs", -1));
    const edgeJob = await job("failed", at("finishedJobs", 0));
    const pendingJob = await job("pending");
    for (const [status, n] of [
      ["completed", 1],
      ["failed", 1],
      ["pending", 1],
    ] as const) {
      await ctx.db.insert("jobCounts", { status, kind: "system.echo", count: n });
    }
    await ctx.db.insert("jobEvents", { jobId: oldJob, type: "done", at: at("finishedJobs", -1) });
    const oldEvent = await ctx.db.insert("jobEvents", {
      jobId: pendingJob,
      type: "x",
      at: at("jobEvents", -1),
    });
    const edgeEvent = await ctx.db.insert("jobEvents", {
      jobId: pendingJob,
      type: "y",
      at: at("jobEvents", 0),
    });
    const email = (delta: number) =>
      ctx.db.insert("emails", {
        to: "a@test.fr",
        template: "t",
        subject: "s",
        status: "sent",
        idempotencyKey: `k${delta}`,
        createdAt: at("emails", delta),
      });
    const oldEmail = await email(-1);
    const edgeEmail = await email(0);
    const audit = (delta: number) =>
      ctx.db.insert("auditLogs", { actorKind: "system", action: "x", at: at("auditLogs", delta) });
    const oldAudit = await audit(-1);
    const edgeAudit = await audit(0);
    await ctx.db.insert("statCounters", {
      metric: "jobs",
      bucket: "2020-01-01",
      key: "system.echo|completed",
      count: 7,
      updatedAt: 0,
    });
    return {
      oldJob,
      edgeJob,
      pendingJob,
      oldEvent,
      edgeEvent,
      oldEmail,
      edgeEmail,
      oldAudit,
      edgeAudit,
      userId,
    };
  });
}

describe("retention", () => {
  it("removes rows strictly older than each cut-off, and nothing else", async () => {
    const { t, world } = await freshWorld();
    const ids = await seed(t, world.users.admin);
    const preview = await as(t, "admin").query(api.retention.overview, { now: NOW });
    expect(preview.preview).toMatchObject({ finishedJobs: 1, jobEvents: 1, emails: 1 });
    // The dry run changed nothing.
    expect(await t.run((ctx) => ctx.db.get(ids.oldJob))).not.toBeNull();
    const { counts, more } = await t.run((ctx) => retentionBatch(ctx, NOW, {}));
    expect(more).toBe(false);
    expect(counts).toMatchObject({ finishedJobs: 1, jobEvents: 1, emails: 1 });
    const alive = async (id: string) => (await t.run((ctx) => ctx.db.get(id as never))) !== null;
    expect(await alive(ids.oldJob)).toBe(false);
    expect(await alive(ids.edgeJob)).toBe(true);
    expect(await alive(ids.pendingJob)).toBe(true);
    expect(await alive(ids.oldEvent)).toBe(false);
    expect(await alive(ids.edgeEvent)).toBe(true);
    expect(await alive(ids.oldEmail)).toBe(false);
    expect(await alive(ids.edgeEmail)).toBe(true);
    expect(await alive(ids.oldAudit)).toBe(false);
    expect(await alive(ids.edgeAudit)).toBe(true);
    // The finished job's count went with it; statistics stay.
    const countsAfter = await t.run((ctx) => jobCounts(ctx));
    expect(countsAfter.find((c) => c.status === "completed")).toBeUndefined();
    expect(await t.run((ctx) => ctx.db.query("statCounters").collect())).toHaveLength(1);
    // One millisecond later the edge rows go too.
    const next = await t.run((ctx) => retentionBatch(ctx, NOW + 1, {}));
    expect(next.counts).toMatchObject({ finishedJobs: 1, jobEvents: 1, emails: 1, auditLogs: 1 });
  });

  it("runs in batches until done, with the figures of the run", async () => {
    const { t } = await freshWorld();
    await t.run(async (ctx) => {
      for (let i = 0; i < 250; i++) {
        await ctx.db.insert("auditLogs", { actorKind: "system", action: "x", at: i });
      }
    });
    const first = await t.run((ctx) => retentionBatch(ctx, NOW, {}, 100));
    expect(first).toMatchObject({ more: true });
    const runId = await as(t, "admin").mutation(api.retention.run, {});
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const run = await t.run((ctx) => ctx.db.get(runId));
    expect(run).toMatchObject({ status: "done", trigger: "staff" });
    expect(run!.counts.auditLogs).toBe(150);
    expect(
      await t.run((ctx) =>
        ctx.db
          .query("auditLogs")
          .withIndex("by_at", (q) => q.lt("at", 1000))
          .collect(),
      ),
    ).toHaveLength(0);
  });

  it("queues the outbox pruning for the worker once per run, which adds its figure to the run", async () => {
    const { t } = await freshWorld();
    const outboxJobs = () =>
      t.run((ctx) =>
        ctx.db
          .query("jobs")
          .filter((q) => q.eq(q.field("kind"), "retention.outbox"))
          .collect(),
      );
    await t.mutation(internal.retention.daily, {});
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const [job, ...others] = await outboxJobs();
    expect(others).toHaveLength(0);
    const run = await t.run((ctx) => ctx.db.query("retentionRuns").first());
    expect(run).toMatchObject({ trigger: "cron", status: "done" });
    expect(job).toMatchObject({
      status: "pending",
      payload: { runId: run!._id, startedAt: NOW },
      idempotencyKey: `retention.outbox:${run!._id}`,
    });
    // The worker reports what it removed (a retry adds what it removed itself: nothing twice).
    const runId = run!._id;
    await asWorker(t).mutation(api.retention.recordOutbox, { runId, removed: 3 });
    await asWorker(t).mutation(api.retention.recordOutbox, { runId, removed: 0 });
    await expect(
      asWorker(t).mutation(api.retention.recordOutbox, { runId, removed: -1 }),
    ).rejects.toThrow(/invalide/);
    const overview = await as(t, "admin").query(api.retention.overview, { now: NOW });
    expect(overview.runs.find((r) => r._id === runId)!.counts.outboxFiles).toBe(3);
    // A staff run queues its own; the next day's run another one.
    await as(t, "admin").mutation(api.retention.run, {});
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await outboxJobs()).toHaveLength(2);
  });
});
