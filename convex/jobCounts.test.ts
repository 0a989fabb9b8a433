// The job counts the console and `nexus-worker stats` show are counter rows kept beside the
// jobs (model/jobCounts.ts): after every path a job can take, they equal a count of the jobs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker } from "./world.fixtures";

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
type T = ReturnType<typeof makeConvexTest>;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

async function enqueueEcho(t: T, maxAttempts = 3) {
  const { job } = await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
    kind: "system.echo",
    payload: { sleepMs: 0 },
    maxAttempts,
  });
  return job.id as Id<"jobs">;
}

async function claim(t: T, leaseMs = 10_000) {
  const claimed = await asWorker(t).mutation(api.jobs.claim, {
    workerId: "w1",
    kinds: ["system.echo"],
    leaseMs,
  });
  if (!claimed) throw new Error("nothing to claim");
  return { jobId: claimed.jobId, claimToken: claimed.claimToken };
}

/** The counters as jobs.stats returns them, beside a count of the jobs themselves. */
async function countersAndTruth(t: T) {
  const stats = await (await asStaffMember(t)).query(api.jobs.stats, { now: Date.now() });
  const counters = Object.fromEntries(stats.counts.map((c) => [`${c.kind}:${c.status}`, c.count]));
  const truth = await t.run(async (ctx) => {
    const tally: Record<string, number> = {};
    for (const job of await ctx.db.query("jobs").collect()) {
      tally[`${job.kind}:${job.status}`] = (tally[`${job.kind}:${job.status}`] ?? 0) + 1;
    }
    return tally;
  });
  return { counters, truth };
}

describe("job counters", () => {
  it("equal the jobs after enqueue, claim, complete, fail, retry, cancel, release and lease expiry", async () => {
    const t = makeConvexTest();
    const staff = await asStaffMember(t);
    const worker = asWorker(t);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await enqueueEcho(t, i === 0 ? 1 : 3));

    // completed
    const a = await claim(t);
    await worker.mutation(api.jobs.complete, a);
    // failed for good (non-retryable), then retried by staff → pending
    const b = await claim(t);
    await worker.mutation(api.jobs.fail, { ...b, error: { message: "x" }, retryable: false });
    await staff.mutation(api.jobs.retry, { jobId: b.jobId });
    // retryable failure → pending again later
    const c = await claim(t);
    await worker.mutation(api.jobs.fail, { ...c, error: { message: "y" }, retryable: true });
    // released at shutdown → pending
    const d = await claim(t);
    await worker.mutation(api.jobs.release, { ...d, reason: "arrêt" });
    // a pending job cancelled at once; a running one cancelled at its release
    const pending = (
      await staff.query(api.jobs.list, {
        status: "pending",
        paginationOpts: { numItems: 1, cursor: null },
      })
    ).page[0]!;
    await staff.mutation(api.jobs.cancel, { jobId: pending.id });
    const e = await claim(t);
    await staff.mutation(api.jobs.cancel, { jobId: e.jobId });
    await worker.mutation(api.jobs.release, { ...e, reason: "annulée" });
    // a lease that expires: back to pending, or failed on its last attempt
    await claim(t, 5_000);
    await claim(t, 5_000);
    vi.setSystemTime(T0 + 60_000);
    await t.mutation(internal.workers.sweep, {});
    await worker.mutation(api.jobs.claim, { workerId: "w2", kinds: [], leaseMs: 10_000 });

    const { counters, truth } = await countersAndTruth(t);
    expect(Object.values(truth).reduce((sum, n) => sum + n, 0)).toBe(8);
    // Several statuses are in play, so a counter that never moves would show here.
    expect(Object.keys(truth).length).toBeGreaterThanOrEqual(3);
    expect(counters).toEqual(truth);
  });

  it("the demo seed leaves them equal too", async () => {
    const t = makeConvexTest();
    await asWorker(t).mutation(api.seed.run, {});
    const { counters, truth } = await countersAndTruth(t);
    expect(Object.keys(truth).length).toBeGreaterThan(0);
    expect(counters).toEqual(truth);
  });

  it("no Convex module inserts a job except model/jobCounts.ts", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== "_generated") walk(path);
        } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
          if (/insert\(\s*"jobs"/.test(readFileSync(path, "utf8"))) offenders.push(path);
        }
      }
    };
    walk(fileURLToPath(new URL(".", import.meta.url)));
    expect(offenders.map((p) => p.slice(p.indexOf("convex/")))).toEqual([
      "convex/model/jobCounts.ts",
    ]);
  });
});
