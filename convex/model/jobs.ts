// Job records: enqueueing, the bounded event log, the public view of a job and
// the staff operations (list, get, retry, cancel, reprocess). The worker
// protocol (claim, heartbeat, complete, fail, release) lives in model/queue.ts.
import { type JobKind, JobPayloadError, parseJobPayload } from "@nexus/shared/jobs";
import type { PaginationOptions } from "convex/server";
import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { boundedPage } from "../lib/pagination";
import { vJobKind, vJobStatus } from "../validators";
import { resumeGeneration } from "./bilanPipeline";
import { enqueueReindex } from "./documents";
import { insertJob, patchJob } from "./jobCounts";
import { jobCancelled, jobRetried } from "./jobOutcomes";

export const DEFAULT_MAX_ATTEMPTS = 5;
export const MAX_MAX_ATTEMPTS = 50;
export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;
/** jobEvents kept per job; older rows are deleted as new ones arrive. */
export const MAX_EVENTS_PER_JOB = 50;

export interface EnqueueOptions {
  priority?: number;
  runAt?: number;
  maxAttempts?: number;
  idempotencyKey?: string;
  target?: Doc<"jobs">["target"];
  createdBy?: Id<"users">;
}

function checkOptions(options: EnqueueOptions): void {
  const { priority, maxAttempts, runAt } = options;
  if (
    priority !== undefined &&
    (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY)
  ) {
    throw appError(
      "INVALID_ARGUMENT",
      `La priorité doit être un entier entre ${MIN_PRIORITY} et ${MAX_PRIORITY}.`,
    );
  }
  if (
    maxAttempts !== undefined &&
    (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_MAX_ATTEMPTS)
  ) {
    throw appError(
      "INVALID_ARGUMENT",
      `Le nombre maximal de tentatives doit être un entier entre 1 et ${MAX_MAX_ATTEMPTS}.`,
    );
  }
  if (runAt !== undefined && !Number.isFinite(runAt)) {
    throw appError("INVALID_ARGUMENT", "La date d'exécution (runAt) est invalide.");
  }
}

/** Validates the payload for its kind and inserts a pending job; an existing job with the same idempotency key is returned instead. */
export async function enqueueJob<K extends JobKind>(
  ctx: MutationCtx,
  kind: K,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<Id<"jobs">> {
  return (await enqueueJobWithOutcome(ctx, kind, payload, options)).jobId;
}

/** Like enqueueJob, and says whether the job is new or came from its idempotency key. */
export async function enqueueJobWithOutcome<K extends JobKind>(
  ctx: MutationCtx,
  kind: K,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<{ jobId: Id<"jobs">; created: boolean }> {
  let parsed: unknown;
  try {
    parsed = parseJobPayload(kind, payload);
  } catch (error) {
    if (error instanceof JobPayloadError) throw appError("INVALID_ARGUMENT", error.message);
    throw error;
  }
  checkOptions(options);
  if (options.idempotencyKey) {
    const existing = await ctx.db
      .query("jobs")
      .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", options.idempotencyKey))
      .first();
    if (existing) return { jobId: existing._id, created: false };
  }
  const now = Date.now();
  const priority = options.priority ?? 0;
  const jobId = await insertJob(ctx, {
    kind,
    payload: parsed,
    status: "pending",
    priority,
    negPriority: -priority,
    runAt: options.runAt ?? now,
    attempts: 0,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    idempotencyKey: options.idempotencyKey,
    target: options.target,
    createdBy: options.createdBy,
    createdAt: now,
    updatedAt: now,
    eventCount: 0,
  });
  await appendJobEvent(ctx, jobId, "enqueued", { at: now });
  return { jobId, created: true };
}

/** Appends to the job's log and deletes the oldest row beyond MAX_EVENTS_PER_JOB. */
export async function appendJobEvent(
  ctx: MutationCtx,
  jobId: Id<"jobs">,
  type: string,
  options: { message?: string; data?: unknown; at?: number } = {},
): Promise<void> {
  const job = await ctx.db.get(jobId);
  if (!job) return;
  await ctx.db.insert("jobEvents", {
    jobId,
    type,
    message: options.message,
    data: options.data,
    at: options.at ?? Date.now(),
  });
  const count = (job.eventCount ?? 0) + 1;
  if (count > MAX_EVENTS_PER_JOB) {
    const oldest = await ctx.db
      .query("jobEvents")
      .withIndex("by_jobId_and_at", (q) => q.eq("jobId", jobId))
      .first();
    if (oldest) await ctx.db.delete(oldest._id);
    await ctx.db.patch(jobId, { eventCount: count - 1 });
  } else {
    await ctx.db.patch(jobId, { eventCount: count });
  }
}

// ---------------------------------------------------------------------------
// The view of a job that staff, the CLI and the web app read.

const vNullableNumber = v.union(v.number(), v.null());

export const vJobView = v.object({
  id: v.string(),
  kind: vJobKind,
  status: vJobStatus,
  payload: v.any(),
  priority: v.number(),
  runAt: v.number(),
  attempts: v.number(),
  maxAttempts: v.number(),
  idempotencyKey: v.union(v.string(), v.null()),
  target: v.union(v.object({ table: v.string(), id: v.string() }), v.null()),
  leaseOwner: v.union(v.string(), v.null()),
  leaseExpiresAt: vNullableNumber,
  cancelRequested: v.boolean(),
  progress: v.union(
    v.object({
      stage: v.string(),
      percent: v.optional(v.number()),
      message: v.optional(v.string()),
    }),
    v.null(),
  ),
  result: v.any(),
  lastError: v.union(
    v.object({
      message: v.string(),
      stack: v.optional(v.string()),
      retryable: v.boolean(),
      at: v.number(),
    }),
    v.null(),
  ),
  retriedBy: v.union(v.string(), v.null()),
  retriedAt: vNullableNumber,
  createdAt: v.number(),
  updatedAt: v.number(),
  claimedAt: vNullableNumber,
  finishedAt: vNullableNumber,
});
export type JobView = Infer<typeof vJobView>;

export const vJobEventView = v.object({
  type: v.string(),
  message: v.union(v.string(), v.null()),
  data: v.any(),
  at: v.number(),
});

export const vJobWithEvents = v.object({ job: vJobView, events: v.array(vJobEventView) });

export function toJobView(job: Doc<"jobs">): JobView {
  return {
    id: job._id,
    kind: job.kind,
    status: job.status,
    payload: job.payload,
    priority: job.priority,
    runAt: job.runAt,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    idempotencyKey: job.idempotencyKey ?? null,
    target: job.target ?? null,
    leaseOwner: job.leaseOwner ?? null,
    leaseExpiresAt: job.leaseExpiresAt ?? null,
    cancelRequested: job.cancelRequested ?? false,
    progress: job.progress ?? null,
    result: job.result ?? null,
    lastError: job.lastError ?? null,
    retriedBy: job.retriedBy ?? null,
    retriedAt: job.retriedAt ?? null,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    claimedAt: job.claimedAt ?? null,
    finishedAt: job.finishedAt ?? null,
  };
}

/** Resolves a job id typed by a person (CLI, URL); NOT_FOUND when malformed or absent. */
export async function requireJob(ctx: QueryCtx, jobId: string): Promise<Doc<"jobs">> {
  const id = ctx.db.normalizeId("jobs", jobId);
  const job = id ? await ctx.db.get(id) : null;
  if (!job) throw appError("NOT_FOUND", `Tâche introuvable : ${jobId}.`);
  return job;
}

// ---------------------------------------------------------------------------
// Staff operations, shared by the role-checked functions and the CLI's
// worker-secret functions. `actor` says who acted ("user:<id>" or "cli:<name>").

export const vJobListFilter = {
  status: v.optional(vJobStatus),
  kind: v.optional(vJobKind),
  /** Only jobs created at or after this time (epoch ms). */
  since: v.optional(v.number()),
};

export interface JobListFilter {
  status?: Doc<"jobs">["status"];
  kind?: JobKind;
  since?: number;
}

/** Newest first, through the index that matches the filter. */
export async function listJobs(
  ctx: QueryCtx,
  filter: JobListFilter,
  paginationOpts: PaginationOptions,
) {
  const since = filter.since ?? 0;
  const { status, kind } = filter;
  const query =
    status && kind
      ? ctx.db
          .query("jobs")
          .withIndex("by_status_and_kind_and_createdAt", (q) =>
            q.eq("status", status).eq("kind", kind).gte("createdAt", since),
          )
      : status
        ? ctx.db
            .query("jobs")
            .withIndex("by_status_and_createdAt", (q) =>
              q.eq("status", status).gte("createdAt", since),
            )
        : kind
          ? ctx.db
              .query("jobs")
              .withIndex("by_kind_and_createdAt", (q) => q.eq("kind", kind).gte("createdAt", since))
          : ctx.db.query("jobs").withIndex("by_createdAt", (q) => q.gte("createdAt", since));
  const page = await query.order("desc").paginate(boundedPage(paginationOpts));
  return { ...page, page: page.page.map(toJobView) };
}

export async function getJobWithEvents(ctx: QueryCtx, jobId: string) {
  const job = await requireJob(ctx, jobId);
  const events = await ctx.db
    .query("jobEvents")
    .withIndex("by_jobId_and_at", (q) => q.eq("jobId", job._id))
    .take(MAX_EVENTS_PER_JOB);
  return {
    job: toJobView(job),
    events: events.map((e) => ({
      type: e.type,
      message: e.message ?? null,
      data: e.data ?? null,
      at: e.at,
    })),
  };
}

/**
 * failed or cancelled → pending now, attempts reset; records who and when. The job's record
 * returns to the in-progress state the job needs (model/jobOutcomes.ts), which may refuse.
 */
export async function retryJob(ctx: MutationCtx, jobId: string, actor: string): Promise<JobView> {
  const job = await requireJob(ctx, jobId);
  if (job.status !== "failed" && job.status !== "cancelled") {
    throw appError(
      "INVALID_STATE",
      `Seule une tâche échouée ou annulée peut être relancée (statut actuel : ${job.status}).`,
    );
  }
  const now = Date.now();
  await patchJob(ctx, job, {
    status: "pending",
    attempts: 0,
    runAt: now,
    cancelRequested: undefined,
    leaseOwner: undefined,
    leaseExpiresAt: undefined,
    claimToken: undefined,
    progress: undefined,
    finishedAt: undefined,
    claimedAt: undefined,
    retriedBy: actor,
    retriedAt: now,
    updatedAt: now,
  });
  await appendJobEvent(ctx, job._id, "retried", { data: { by: actor, from: job.status }, at: now });
  await jobRetried(ctx, job);
  return toJobView((await ctx.db.get(job._id))!);
}

/**
 * pending → cancelled at once (the job's record is told, model/jobOutcomes.ts); running →
 * cancellation requested, honoured by the worker at its next heartbeat (or the lease sweep).
 */
export async function cancelJob(ctx: MutationCtx, jobId: string, actor: string): Promise<JobView> {
  const job = await requireJob(ctx, jobId);
  const now = Date.now();
  if (job.status === "pending") {
    await patchJob(ctx, job, { status: "cancelled", finishedAt: now, updatedAt: now });
    await appendJobEvent(ctx, job._id, "cancelled", { data: { by: actor }, at: now });
    await jobCancelled(ctx, job);
  } else if (job.status === "running") {
    if (!job.cancelRequested) {
      await patchJob(ctx, job, { cancelRequested: true, updatedAt: now });
      await appendJobEvent(ctx, job._id, "cancel_requested", { data: { by: actor }, at: now });
    }
  } else {
    throw appError(
      "INVALID_STATE",
      `Seule une tâche en attente ou en cours peut être annulée (statut actuel : ${job.status}).`,
    );
  }
  return toJobView((await ctx.db.get(job._id))!);
}

export const vReprocessTarget = v.union(v.literal("bilan"), v.literal("document"));

/** A new job for the same record: a bilan is generated again, a document ingested again. */
export async function reprocessTarget(
  ctx: MutationCtx,
  target: "bilan" | "document",
  id: string,
  createdBy?: Id<"users">,
): Promise<JobView> {
  let jobId: Id<"jobs">;
  if (target === "bilan") {
    const bilanId = ctx.db.normalizeId("bilans", id);
    const bilan = bilanId ? await ctx.db.get(bilanId) : null;
    if (!bilanId || !bilan) {
      throw appError("NOT_FOUND", `Bilan introuvable : ${id}.`);
    }
    // A failed bilan waits for this generation at once (no second regeneration on top of it).
    if (bilan.status === "failed") await resumeGeneration(ctx, bilanId);
    // Keyed like every job on a bilan, so job outcomes see it as the bilan's current job.
    jobId = await enqueueJob(
      ctx,
      "bilan.generate",
      { bilanId },
      {
        target: { table: "bilans", id: bilanId },
        createdBy,
        idempotencyKey: `bilan.generate:${bilanId}:reprocess:${Date.now()}`,
      },
    );
  } else {
    const documentId = ctx.db.normalizeId("documents", id);
    if (!documentId || !(await ctx.db.get(documentId))) {
      throw appError("NOT_FOUND", `Document introuvable : ${id}.`);
    }
    // Through enqueueReindex so the document's status resets and progress is visible again.
    jobId = await enqueueReindex(ctx, documentId, createdBy);
  }
  await appendJobEvent(ctx, jobId, "reprocess", { data: { target, id } });
  return toJobView((await ctx.db.get(jobId))!);
}
