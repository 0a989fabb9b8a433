// The worker protocol: claim, heartbeat, complete, fail, release, and taking
// back jobs whose lease expired. Only worker-secret functions call these.
// Every call after claim carries the claim token; a worker whose lease was
// taken back gets LEASE_LOST and can no longer change the job. Every path that
// ends a job (failed, cancelled) calls model/jobOutcomes.ts in the same
// transaction, which decides what that means for the job's bilan or document.
// Error texts are stored redacted (lib/redact.ts).
import type { JobKind } from "@nexus/shared/jobs";
import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { redactStored } from "../lib/redact";
import { vJobKind } from "../validators";
import { patchJob } from "./jobCounts";
import { jobCancelled, jobFailed } from "./jobOutcomes";
import { unpausedKinds } from "./jobPauses";
import { appendJobEvent } from "./jobs";
import { countJobOutcome } from "./stats";

export const MIN_LEASE_MS = 500;
export const MAX_LEASE_MS = 15 * 60_000;
/** Distinct priority levels inspected per kind and claim; beyond this, lower levels wait. */
export const MAX_PRIORITY_LEVELS_PER_CLAIM = 32;
/** Expired leases taken back per claim (the cron sweeps the rest). */
export const RECLAIM_BATCH = 8;

export const DEFAULT_BACKOFF = { baseMs: 2_000, maxMs: 10 * 60_000 };
export const MIN_BACKOFF_BASE_MS = 10;
export const MAX_BACKOFF_MS = 24 * 3_600_000;
/** ±20 % around the exponential value, so retries of a burst do not stay in lockstep. */
export const BACKOFF_JITTER = 0.2;

/**
 * Delay before retry number `attempt` (1 = after the first failure):
 *   exp   = min(maxMs, baseMs · 2^(attempt − 1))
 *   delay = round(exp · (1 − J + 2·J·random)), J = 0.2, random ∈ [0, 1)
 * e.g. base 2 s: ~2 s, ~4 s, ~8 s, ~16 s … capped at maxMs (10 min by default).
 */
export function backoffDelayMs(
  attempt: number,
  policy: { baseMs: number; maxMs: number } = DEFAULT_BACKOFF,
  random: number = Math.random(),
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * random));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export const vClaimedJob = v.object({
  jobId: v.id("jobs"),
  kind: vJobKind,
  payload: v.any(),
  attempt: v.number(),
  maxAttempts: v.number(),
  claimToken: v.string(),
  leaseExpiresAt: v.number(),
  priority: v.number(),
  runAt: v.number(),
  createdAt: v.number(),
  claimedAt: v.number(),
});
export type ClaimedJob = Infer<typeof vClaimedJob>;

/** The best due pending job of one kind: highest priority, then earliest runAt. */
async function bestDueOfKind(
  ctx: QueryCtx,
  kind: JobKind,
  now: number,
): Promise<Doc<"jobs"> | null> {
  // Walk priority levels from the highest; at each level the earliest runAt
  // decides whether anything is due. Two indexed reads per level.
  let level = await ctx.db
    .query("jobs")
    .withIndex("by_status_and_kind_and_negPriority_and_runAt", (q) =>
      q.eq("status", "pending").eq("kind", kind),
    )
    .first();
  for (let i = 0; level && i < MAX_PRIORITY_LEVELS_PER_CLAIM; i++) {
    if (level.runAt <= now) return level;
    const negPriority = level.negPriority;
    level = await ctx.db
      .query("jobs")
      .withIndex("by_status_and_kind_and_negPriority_and_runAt", (q) =>
        q.eq("status", "pending").eq("kind", kind).gt("negPriority", negPriority),
      )
      .first();
  }
  return null;
}

function better(a: Doc<"jobs">, b: Doc<"jobs">): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.runAt !== b.runAt) return a.runAt < b.runAt;
  return a._creationTime < b._creationTime;
}

/**
 * Running jobs whose lease ended go back to pending (their attempt counted), or end:
 * cancelled if staff asked for it, failed after the last attempt (the job's record is told).
 */
export async function reclaimExpiredLeases(
  ctx: MutationCtx,
  now: number,
  limit: number,
): Promise<number> {
  const expired = await ctx.db
    .query("jobs")
    .withIndex("by_status_and_leaseExpiresAt", (q) =>
      q.eq("status", "running").lt("leaseExpiresAt", now),
    )
    .take(limit);
  for (const job of expired) {
    const owner = job.leaseOwner;
    const lease = { leaseOwner: undefined, leaseExpiresAt: undefined, claimToken: undefined };
    if (job.cancelRequested) {
      await patchJob(ctx, job, {
        ...lease,
        status: "cancelled",
        finishedAt: now,
        updatedAt: now,
      });
      await appendJobEvent(ctx, job._id, "cancelled", {
        message: "Bail expiré pendant une annulation demandée.",
        data: { worker: owner },
        at: now,
      });
      await jobCancelled(ctx, job);
    } else if (job.attempts >= job.maxAttempts) {
      const message = `Le worker ${owner ?? "?"} a cessé de répondre pendant la dernière tentative (${job.attempts}/${job.maxAttempts}).`;
      await patchJob(ctx, job, {
        ...lease,
        status: "failed",
        finishedAt: now,
        updatedAt: now,
        lastError: { message, retryable: true, at: now },
      });
      await appendJobEvent(ctx, job._id, "failed", { message, data: { worker: owner }, at: now });
      await jobFailed(ctx, job, message);
    } else {
      await patchJob(ctx, job, { ...lease, status: "pending", runAt: now, updatedAt: now });
      await countJobOutcome(ctx, job, "retried", now);
      await appendJobEvent(ctx, job._id, "lease_expired", {
        message: `Bail expiré : le worker ${owner ?? "?"} ne répond plus, la tâche retourne dans la file.`,
        data: { worker: owner },
        at: now,
      });
    }
  }
  return expired.length;
}

export async function claimJob(
  ctx: MutationCtx,
  args: { workerId: string; kinds: JobKind[]; leaseMs: number },
): Promise<ClaimedJob | null> {
  const now = Date.now();
  await reclaimExpiredLeases(ctx, now, RECLAIM_BATCH);
  let best: Doc<"jobs"> | null = null;
  // A kind paused by an operator is not handed out, whichever worker asks.
  for (const kind of await unpausedKinds(ctx, args.kinds)) {
    const candidate = await bestDueOfKind(ctx, kind, now);
    if (candidate && (!best || better(candidate, best))) best = candidate;
  }
  if (!best) return null;
  const leaseMs = clamp(args.leaseMs, MIN_LEASE_MS, MAX_LEASE_MS);
  const claimToken = crypto.randomUUID();
  const attempt = best.attempts + 1;
  const leaseExpiresAt = now + leaseMs;
  await patchJob(ctx, best, {
    status: "running",
    attempts: attempt,
    leaseOwner: args.workerId,
    leaseExpiresAt,
    claimToken,
    claimedAt: now,
    progress: undefined,
    updatedAt: now,
  });
  await appendJobEvent(ctx, best._id, "claimed", {
    data: { worker: args.workerId, attempt },
    at: now,
  });
  return {
    jobId: best._id,
    kind: best.kind,
    payload: best.payload,
    attempt,
    maxAttempts: best.maxAttempts,
    claimToken,
    leaseExpiresAt,
    priority: best.priority,
    runAt: best.runAt,
    createdAt: best.createdAt,
    claimedAt: now,
  };
}

/** The job, if `claimToken` still holds its lease; LEASE_LOST otherwise. */
async function requireLease(
  ctx: MutationCtx,
  jobId: Id<"jobs">,
  claimToken: string,
): Promise<Doc<"jobs">> {
  const job = await ctx.db.get(jobId);
  if (!job) throw appError("NOT_FOUND", `Tâche introuvable : ${jobId}.`);
  if (job.status !== "running" || job.claimToken !== claimToken) {
    throw appError(
      "LEASE_LOST",
      `Bail perdu pour la tâche ${jobId} : elle a été reprise ou terminée ailleurs (statut ${job.status}).`,
    );
  }
  return job;
}

export const vProgress = v.object({
  stage: v.string(),
  percent: v.optional(v.number()),
  message: v.optional(v.string()),
});

export async function heartbeatJob(
  ctx: MutationCtx,
  args: {
    jobId: Id<"jobs">;
    claimToken: string;
    leaseMs: number;
    progress?: Infer<typeof vProgress>;
  },
): Promise<{ cancelRequested: boolean; leaseExpiresAt: number }> {
  const job = await requireLease(ctx, args.jobId, args.claimToken);
  const now = Date.now();
  const leaseExpiresAt = now + clamp(args.leaseMs, MIN_LEASE_MS, MAX_LEASE_MS);
  const progress = args.progress
    ? {
        ...args.progress,
        percent:
          args.progress.percent === undefined ? undefined : clamp(args.progress.percent, 0, 100),
      }
    : undefined;
  await patchJob(ctx, job, {
    leaseExpiresAt,
    updatedAt: now,
    ...(progress ? { progress } : {}),
  });
  // Log stage changes and worker messages, not every heartbeat.
  if (
    progress &&
    (progress.stage !== job.progress?.stage || progress.message !== job.progress?.message)
  ) {
    await appendJobEvent(ctx, job._id, "progress", {
      message: progress.message,
      data: { stage: progress.stage, percent: progress.percent },
      at: now,
    });
  }
  return { cancelRequested: job.cancelRequested ?? false, leaseExpiresAt };
}

export async function completeJob(
  ctx: MutationCtx,
  args: { jobId: Id<"jobs">; claimToken: string; result?: unknown },
): Promise<null> {
  const job = await requireLease(ctx, args.jobId, args.claimToken);
  const now = Date.now();
  await patchJob(ctx, job, {
    status: "completed",
    result: args.result,
    leaseExpiresAt: undefined,
    claimToken: undefined,
    finishedAt: now,
    updatedAt: now,
  });
  await countJobOutcome(ctx, job, "completed", now);
  await appendJobEvent(ctx, job._id, "completed", {
    data: {
      worker: job.leaseOwner,
      attempt: job.attempts,
      durationMs: now - (job.claimedAt ?? now),
    },
    at: now,
  });
  return null;
}

export const vFailOutcome = v.union(
  v.object({ status: v.literal("pending"), runAt: v.number() }),
  v.object({ status: v.literal("failed") }),
  v.object({ status: v.literal("cancelled") }),
);
export type FailOutcome = Infer<typeof vFailOutcome>;

export async function failJob(
  ctx: MutationCtx,
  args: {
    jobId: Id<"jobs">;
    claimToken: string;
    error: { message: string; stack?: string };
    retryable: boolean;
    backoff?: { baseMs: number; maxMs: number };
  },
): Promise<FailOutcome> {
  const job = await requireLease(ctx, args.jobId, args.claimToken);
  const now = Date.now();
  const lastError = {
    message: redactStored(args.error.message, 4_000),
    stack: args.error.stack === undefined ? undefined : redactStored(args.error.stack, 16_000),
    retryable: args.retryable,
    at: now,
  };
  const lease = { leaseExpiresAt: undefined, claimToken: undefined };
  const eventData = { worker: job.leaseOwner, attempt: job.attempts, retryable: args.retryable };
  if (job.cancelRequested) {
    await patchJob(ctx, job, {
      ...lease,
      status: "cancelled",
      lastError,
      finishedAt: now,
      updatedAt: now,
    });
    await appendJobEvent(ctx, job._id, "cancelled", {
      message: lastError.message,
      data: eventData,
      at: now,
    });
    await jobCancelled(ctx, job);
    return { status: "cancelled" };
  }
  if (!args.retryable || job.attempts >= job.maxAttempts) {
    await patchJob(ctx, job, {
      ...lease,
      status: "failed",
      lastError,
      finishedAt: now,
      updatedAt: now,
    });
    await appendJobEvent(ctx, job._id, "failed", {
      message: lastError.message,
      data: eventData,
      at: now,
    });
    await jobFailed(ctx, job, lastError.message);
    return { status: "failed" };
  }
  const policy = args.backoff
    ? {
        baseMs: clamp(args.backoff.baseMs, MIN_BACKOFF_BASE_MS, MAX_BACKOFF_MS),
        maxMs: clamp(args.backoff.maxMs, MIN_BACKOFF_BASE_MS, MAX_BACKOFF_MS),
      }
    : DEFAULT_BACKOFF;
  const runAt = now + backoffDelayMs(job.attempts, policy);
  await patchJob(ctx, job, {
    ...lease,
    status: "pending",
    runAt,
    lastError,
    updatedAt: now,
  });
  await countJobOutcome(ctx, job, "retried", now);
  await appendJobEvent(ctx, job._id, "retry_scheduled", {
    message: lastError.message,
    data: { ...eventData, runAt },
    at: now,
  });
  return { status: "pending", runAt };
}

/** The worker gives a job back without it counting as an attempt (graceful shutdown). */
export async function releaseJob(
  ctx: MutationCtx,
  args: { jobId: Id<"jobs">; claimToken: string; reason: string },
): Promise<null> {
  const job = await requireLease(ctx, args.jobId, args.claimToken);
  const now = Date.now();
  const lease = { leaseOwner: undefined, leaseExpiresAt: undefined, claimToken: undefined };
  if (job.cancelRequested) {
    await patchJob(ctx, job, { ...lease, status: "cancelled", finishedAt: now, updatedAt: now });
    await appendJobEvent(ctx, job._id, "cancelled", {
      message: redactStored(args.reason, 4_000),
      at: now,
    });
    await jobCancelled(ctx, job);
    return null;
  }
  await patchJob(ctx, job, {
    ...lease,
    status: "pending",
    attempts: Math.max(0, job.attempts - 1),
    runAt: now,
    progress: undefined,
    updatedAt: now,
  });
  await appendJobEvent(ctx, job._id, "released", {
    message: redactStored(args.reason, 4_000),
    data: { worker: job.leaseOwner },
    at: now,
  });
  return null;
}

export const vDueWork = v.array(v.object({ kind: vJobKind, earliestRunAt: v.number() }));

/**
 * What the worker subscribes to: per kind, the earliest runAt among pending
 * jobs. It changes when due work appears; the worker compares with its own
 * clock (no Date.now() here, so the result stays cacheable).
 */
export async function dueWork(ctx: QueryCtx, kinds: JobKind[]) {
  const out: { kind: JobKind; earliestRunAt: number }[] = [];
  // Paused kinds are not due: resuming one changes this result and wakes the workers.
  for (const kind of await unpausedKinds(ctx, kinds)) {
    const first = await ctx.db
      .query("jobs")
      .withIndex("by_status_and_kind_and_runAt", (q) => q.eq("status", "pending").eq("kind", kind))
      .first();
    if (first) out.push({ kind, earliestRunAt: first.runAt });
  }
  return out;
}
