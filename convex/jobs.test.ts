// The job engine through its worker protocol (called as the worker) and its staff
// functions (called by a signed-in admin): ordering, idempotency, leases, backoff,
// dead-lettering, cancel and retry.
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { BACKOFF_JITTER, backoffDelayMs } from "./model/queue";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker } from "./world.fixtures";

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

type T = ReturnType<typeof makeConvexTest>;

async function enqueueEcho(
  t: T,
  options: {
    priority?: number;
    runAt?: number;
    maxAttempts?: number;
    idempotencyKey?: string;
  } = {},
  payload: unknown = { sleepMs: 0 },
) {
  const { job } = await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
    kind: "system.echo",
    payload,
    ...options,
  });
  return job.id as Id<"jobs">;
}

function claim(t: T, workerId = "w1", leaseMs = 10_000) {
  return asWorker(t).mutation(api.jobs.claim, { workerId, kinds: ["system.echo"], leaseMs });
}

async function getJob(t: T, id: Id<"jobs">) {
  return (await (await asStaffMember(t)).query(api.jobs.get, { jobId: id })).job;
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConvexError);
  expect((error as ConvexError<{ code: string }>).data.code).toBe(code);
}

describe("enqueue", () => {
  it("validates the payload against the kind's schema", async () => {
    const t = makeConvexTest();
    await expectCode(
      (await asStaffMember(t)).mutation(api.jobs.enqueue, {
        kind: "system.echo",
        payload: { sleepMs: -1 },
      }),
      "INVALID_ARGUMENT",
    );
    await expectCode(
      (await asStaffMember(t)).mutation(api.jobs.enqueue, {
        kind: "bilan.generate",
        payload: {},
      }),
      "INVALID_ARGUMENT",
    );
  });

  it("rejects out-of-range priority and maxAttempts", async () => {
    const t = makeConvexTest();
    await expectCode(enqueueEcho(t, { priority: 1.5 }), "INVALID_ARGUMENT");
    await expectCode(enqueueEcho(t, { maxAttempts: 0 }), "INVALID_ARGUMENT");
  });

  it("returns the existing job for a repeated idempotency key", async () => {
    const t = makeConvexTest();
    const first = await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 1 },
      idempotencyKey: "echo-1",
    });
    const second = await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
      kind: "system.echo",
      payload: { sleepMs: 2 },
      idempotencyKey: "echo-1",
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    expect(second.job.payload).toEqual({ sleepMs: 1 });
    const other = await enqueueEcho(t, { idempotencyKey: "echo-2" });
    expect(other).not.toBe(first.job.id);
    const all = await t.run((ctx) => ctx.db.query("jobs").collect());
    expect(all).toHaveLength(2);
  });
});

describe("claim order", () => {
  it("takes the highest priority first, then the earliest runAt", async () => {
    const t = makeConvexTest();
    const low = await enqueueEcho(t, { priority: 0, runAt: T0 - 5_000 });
    const highLate = await enqueueEcho(t, { priority: 5, runAt: T0 - 1_000 });
    const highEarly = await enqueueEcho(t, { priority: 5, runAt: T0 - 2_000 });
    const mid = await enqueueEcho(t, { priority: 2, runAt: T0 - 3_000 });
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await claim(t))?.jobId);
    expect(order).toEqual([highEarly, highLate, mid, low]);
    expect(await claim(t)).toBeNull();
  });

  it("leaves jobs whose runAt is in the future, even at a higher priority", async () => {
    const t = makeConvexTest();
    const future = await enqueueEcho(t, { priority: 9, runAt: T0 + 60_000 });
    const due = await enqueueEcho(t, { priority: 0 });
    expect((await claim(t))?.jobId).toBe(due);
    expect(await claim(t)).toBeNull();
    vi.setSystemTime(T0 + 60_000);
    expect((await claim(t))?.jobId).toBe(future);
  });

  it("claims only the requested kinds", async () => {
    const t = makeConvexTest();
    await (await asStaffMember(t)).mutation(api.jobs.enqueue, {
      kind: "document.ingest",
      payload: { documentId: "doc1" },
    });
    expect(await claim(t)).toBeNull();
    const got = await asWorker(t).mutation(api.jobs.claim, {
      workerId: "w1",
      kinds: ["document.ingest", "system.echo"],
      leaseMs: 5_000,
    });
    expect(got?.kind).toBe("document.ingest");
  });

  it("moves the job to running with a lease, attempt and fresh claim token", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const first = await claim(t, "w1", 7_000);
    expect(first).toMatchObject({ jobId: id, attempt: 1, leaseExpiresAt: T0 + 7_000 });
    const job = await getJob(t, id);
    expect(job).toMatchObject({ status: "running", attempts: 1, leaseOwner: "w1", claimedAt: T0 });
    // A second claim after the lease expired carries another token.
    vi.setSystemTime(T0 + 8_000);
    const second = await claim(t, "w2");
    expect(second?.jobId).toBe(id);
    expect(second?.claimToken).not.toBe(first?.claimToken);
  });
});

describe("due work subscription", () => {
  it("reports the earliest pending runAt per kind", async () => {
    const t = makeConvexTest();
    expect(await asWorker(t).query(api.jobs.dueWork, { kinds: ["system.echo"] })).toEqual([]);
    await enqueueEcho(t, { runAt: T0 + 30_000 });
    await enqueueEcho(t, { runAt: T0 + 10_000 });
    expect(await asWorker(t).query(api.jobs.dueWork, { kinds: ["system.echo"] })).toEqual([
      { kind: "system.echo", earliestRunAt: T0 + 10_000 },
    ]);
  });
});

describe("leases", () => {
  it("reclaims a job whose lease expired; the attempt counts", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    await claim(t, "w1", 5_000);
    vi.setSystemTime(T0 + 4_000);
    expect(await claim(t, "w2")).toBeNull(); // lease still held
    vi.setSystemTime(T0 + 5_001);
    const again = await claim(t, "w2");
    expect(again).toMatchObject({ jobId: id, attempt: 2 });
    const { events } = await (await asStaffMember(t)).query(api.jobs.get, { jobId: id });
    expect(events.map((e) => e.type)).toEqual(["enqueued", "claimed", "lease_expired", "claimed"]);
  });

  it("refuses heartbeat, completion and failure after the lease was lost", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const stale = (await claim(t, "w1", 5_000))!;
    vi.setSystemTime(T0 + 6_000);
    const fresh = (await claim(t, "w2", 5_000))!;
    const old = { jobId: id, claimToken: stale.claimToken };
    await expectCode(
      asWorker(t).mutation(api.jobs.complete, { ...old, result: "late" }),
      "LEASE_LOST",
    );
    await expectCode(
      asWorker(t).mutation(api.jobs.fail, { ...old, error: { message: "x" }, retryable: true }),
      "LEASE_LOST",
    );
    await expectCode(
      asWorker(t).mutation(api.jobs.heartbeat, { ...old, leaseMs: 5_000 }),
      "LEASE_LOST",
    );
    await asWorker(t).mutation(api.jobs.complete, {
      jobId: id,
      claimToken: fresh.claimToken,
      result: { ok: 1 },
    });
    // Completed once: the stale worker still cannot touch it.
    await expectCode(asWorker(t).mutation(api.jobs.complete, { ...old }), "LEASE_LOST");
    const job = await getJob(t, id);
    expect(job).toMatchObject({ status: "completed", result: { ok: 1 }, finishedAt: T0 + 6_000 });
  });

  it("heartbeat extends the lease and records progress", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t, "w1", 5_000))!;
    vi.setSystemTime(T0 + 4_000);
    const beat = await asWorker(t).mutation(api.jobs.heartbeat, {
      jobId: id,
      claimToken: c.claimToken,
      leaseMs: 5_000,
      progress: { stage: "ocr", percent: 40, message: "page 2/5" },
    });
    expect(beat).toEqual({ cancelRequested: false, leaseExpiresAt: T0 + 9_000 });
    vi.setSystemTime(T0 + 8_000);
    expect(await claim(t, "w2")).toBeNull(); // not expired thanks to the heartbeat
    const job = await getJob(t, id);
    expect(job.progress).toEqual({ stage: "ocr", percent: 40, message: "page 2/5" });
  });

  it("a completed job is never handed out again", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t))!;
    await asWorker(t).mutation(api.jobs.complete, { jobId: id, claimToken: c.claimToken });
    vi.setSystemTime(T0 + 3_600_000);
    expect(await claim(t)).toBeNull();
  });
});

describe("failure and backoff", () => {
  it("computes exponential delays with ±20 % jitter, capped", () => {
    const policy = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, 0.5))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    expect(backoffDelayMs(3, policy, 0)).toBe(4_000 * (1 - BACKOFF_JITTER));
    expect(backoffDelayMs(3, policy, 0.999_999)).toBeCloseTo(4_000 * (1 + BACKOFF_JITTER), -1);
  });

  it("schedules retries with growing delays, then dead-letters after maxAttempts", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t, { maxAttempts: 4 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const c = await claim(t);
      expect(c).toMatchObject({ jobId: id, attempt });
      const now = Date.now();
      const outcome = await asWorker(t).mutation(api.jobs.fail, {
        jobId: id,
        claimToken: c!.claimToken,
        error: { message: `boom ${attempt}`, stack: "Error: boom\n    at handler" },
        retryable: true,
        backoff: { baseMs: 1_000, maxMs: 60_000 },
      });
      if (attempt < 4) {
        expect(outcome.status).toBe("pending");
        const runAt = (outcome as { runAt: number }).runAt;
        delays.push(runAt - now);
        expect(await claim(t)).toBeNull(); // not due before its backoff
        vi.setSystemTime(runAt);
      } else {
        expect(outcome).toEqual({ status: "failed" });
      }
    }
    const expected = [1_000, 2_000, 4_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(expected[i]! * (1 - BACKOFF_JITTER));
      expect(d).toBeLessThanOrEqual(expected[i]! * (1 + BACKOFF_JITTER));
    });
    const { job, events } = await (await asStaffMember(t)).query(api.jobs.get, { jobId: id });
    expect(job).toMatchObject({ status: "failed", attempts: 4 });
    expect(job.lastError).toMatchObject({ message: "boom 4", retryable: true });
    expect(job.lastError?.stack).toContain("at handler");
    expect(job.finishedAt).toBe(Date.now());
    expect(events.filter((e) => e.type === "retry_scheduled")).toHaveLength(3);
    expect(await claim(t)).toBeNull();
  });

  it("fails at once on a non-retryable error", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t, { maxAttempts: 5 });
    const c = (await claim(t))!;
    const outcome = await asWorker(t).mutation(api.jobs.fail, {
      jobId: id,
      claimToken: c.claimToken,
      error: { message: "Bilan introuvable" },
      retryable: false,
    });
    expect(outcome).toEqual({ status: "failed" });
    expect(await getJob(t, id)).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("a lease expiring on the last attempt dead-letters the job", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t, { maxAttempts: 1 });
    await claim(t, "w1", 1_000);
    vi.setSystemTime(T0 + 2_000);
    expect(await claim(t, "w2")).toBeNull();
    const job = await getJob(t, id);
    expect(job.status).toBe("failed");
    expect(job.lastError?.message).toContain("w1");
  });
});

describe("cancel", () => {
  it("cancels a pending job at once", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const job = await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId: id });
    expect(job.status).toBe("cancelled");
    expect(await claim(t)).toBeNull();
  });

  it("asks the worker of a running job through its heartbeat, then ends cancelled", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t))!;
    const requested = await (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId: id });
    expect(requested).toMatchObject({ status: "running", cancelRequested: true });
    const beat = await asWorker(t).mutation(api.jobs.heartbeat, {
      jobId: id,
      claimToken: c.claimToken,
      leaseMs: 5_000,
    });
    expect(beat.cancelRequested).toBe(true);
    const outcome = await asWorker(t).mutation(api.jobs.fail, {
      jobId: id,
      claimToken: c.claimToken,
      error: { message: "Tâche annulée" },
      retryable: true,
    });
    expect(outcome).toEqual({ status: "cancelled" });
    expect((await getJob(t, id)).status).toBe("cancelled");
  });

  it("refuses to cancel a finished job", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t))!;
    await asWorker(t).mutation(api.jobs.complete, { jobId: id, claimToken: c.claimToken });
    await expectCode(
      (await asStaffMember(t)).mutation(api.jobs.cancel, { jobId: id }),
      "INVALID_STATE",
    );
  });
});

describe("retry and release", () => {
  it("puts a failed job back in the queue with attempts reset and records who asked", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t, { maxAttempts: 1 });
    const c = (await claim(t))!;
    await asWorker(t).mutation(api.jobs.fail, {
      jobId: id,
      claimToken: c.claimToken,
      error: { message: "boom" },
      retryable: true,
    });
    vi.setSystemTime(T0 + 1_000);
    const admin = await asStaffMember(t);
    const me = (await admin.query(api.users.me, {}))!;
    const job = await admin.mutation(api.jobs.retry, { jobId: id });
    expect(job).toMatchObject({
      status: "pending",
      attempts: 0,
      retriedBy: `user:${me._id}`,
      retriedAt: T0 + 1_000,
      finishedAt: null,
    });
    expect((await claim(t))?.jobId).toBe(id);
  });

  it("refuses to retry a pending or running job", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    await expectCode(
      (await asStaffMember(t)).mutation(api.jobs.retry, { jobId: id }),
      "INVALID_STATE",
    );
    await claim(t);
    await expectCode(
      (await asStaffMember(t)).mutation(api.jobs.retry, { jobId: id }),
      "INVALID_STATE",
    );
  });

  it("release gives the job back without spending an attempt", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t))!;
    await asWorker(t).mutation(api.jobs.release, {
      jobId: id,
      claimToken: c.claimToken,
      reason: "arrêt du worker",
    });
    expect(await getJob(t, id)).toMatchObject({ status: "pending", attempts: 0 });
    expect((await claim(t))?.attempt).toBe(1);
  });

  it("reports NOT_FOUND for an unknown or malformed job id", async () => {
    const t = makeConvexTest();
    await expectCode((await asStaffMember(t)).query(api.jobs.get, { jobId: "nope" }), "NOT_FOUND");
  });
});

describe("event log", () => {
  it("keeps only the last 50 events of a job", async () => {
    const t = makeConvexTest();
    const id = await enqueueEcho(t);
    const c = (await claim(t, "w1", 60_000))!;
    for (let i = 0; i < 60; i++) {
      await asWorker(t).mutation(api.jobs.heartbeat, {
        jobId: id,
        claimToken: c.claimToken,
        leaseMs: 60_000,
        progress: { stage: `stage-${i}` },
      });
    }
    const { events } = await (await asStaffMember(t)).query(api.jobs.get, { jobId: id });
    expect(events).toHaveLength(50);
    expect(events.at(-1)?.data).toMatchObject({ stage: "stage-59" });
    const stored = await t.run((ctx) => ctx.db.query("jobEvents").collect());
    expect(stored).toHaveLength(50);
  });
});

describe("listing", () => {
  it("filters by status, kind and date, newest first, with pagination", async () => {
    const t = makeConvexTest();
    const a = await enqueueEcho(t);
    vi.setSystemTime(T0 + 1_000);
    const b = await enqueueEcho(t);
    vi.setSystemTime(T0 + 2_000);
    const admin = await asStaffMember(t);
    await admin.mutation(api.jobs.enqueue, {
      kind: "document.ingest",
      payload: { documentId: "d" },
    });
    await admin.mutation(api.jobs.cancel, { jobId: a });
    const page = (args: object, numItems = 10) =>
      admin.query(api.jobs.list, {
        paginationOpts: { numItems, cursor: null },
        ...args,
      });
    expect((await page({})).page).toHaveLength(3);
    expect((await page({ kind: "system.echo" })).page.map((j) => j.id)).toEqual([b, a]);
    expect((await page({ status: "cancelled" })).page.map((j) => j.id)).toEqual([a]);
    expect((await page({ status: "pending", kind: "system.echo" })).page.map((j) => j.id)).toEqual([
      b,
    ]);
    expect((await page({ since: T0 + 500, kind: "system.echo" })).page.map((j) => j.id)).toEqual([
      b,
    ]);
    const first = await page({}, 2);
    expect(first.isDone).toBe(false);
    const rest = await admin.query(api.jobs.list, {
      paginationOpts: { numItems: 2, cursor: first.continueCursor },
    });
    expect(rest.page).toHaveLength(1);
  });
});
