// The job queue (jobs, jobEvents), the worker registry and queue alerts.
// Written only through convex/model/jobs.ts; the worker reaches it with WORKER_SECRET.
import { defineTable } from "convex/server";
import { v } from "convex/values";
import { vJobKind, vJobStatus } from "../validators";

export const jobTables = {
  jobs: defineTable({
    kind: vJobKind,
    payload: v.any(), // validated per kind by zod (packages/shared/jobs.ts) on enqueue and in the worker
    status: vJobStatus,
    priority: v.number(),
    /** -priority, so an ascending index yields the highest priority first. */
    negPriority: v.number(),
    runAt: v.number(),
    attempts: v.number(),
    maxAttempts: v.number(),
    idempotencyKey: v.optional(v.string()),
    /** The record the job works on, for reprocessing and for dashboards. */
    target: v.optional(
      v.object({ table: v.union(v.literal("bilans"), v.literal("documents")), id: v.string() }),
    ),
    leaseOwner: v.optional(v.string()),
    leaseExpiresAt: v.optional(v.number()),
    claimToken: v.optional(v.string()),
    cancelRequested: v.optional(v.boolean()),
    progress: v.optional(
      v.object({
        stage: v.string(),
        percent: v.optional(v.number()),
        message: v.optional(v.string()),
      }),
    ),
    result: v.optional(v.any()),
    lastError: v.optional(
      v.object({
        message: v.string(),
        stack: v.optional(v.string()),
        retryable: v.boolean(),
        at: v.number(),
      }),
    ),
    /** How many jobEvents rows exist, so the log can be trimmed without counting. */
    eventCount: v.optional(v.number()),
    /** Who last put a failed or cancelled job back in the queue ("user:<id>" or "cli:<name>"). */
    retriedBy: v.optional(v.string()),
    retriedAt: v.optional(v.number()),
    createdBy: v.optional(v.id("users")),
    createdAt: v.number(),
    updatedAt: v.number(),
    claimedAt: v.optional(v.number()),
    finishedAt: v.optional(v.number()),
  })
    .index("by_idempotencyKey", ["idempotencyKey"])
    // claim: per kind, highest priority first, then earliest runAt (bounded reads per priority level)
    .index("by_status_and_kind_and_negPriority_and_runAt", [
      "status",
      "kind",
      "negPriority",
      "runAt",
    ])
    // due-work subscription and oldest pending age
    .index("by_status_and_kind_and_runAt", ["status", "kind", "runAt"])
    // reclaiming expired leases
    .index("by_status_and_leaseExpiresAt", ["status", "leaseExpiresAt"])
    // failure rate over the last hour
    .index("by_status_and_finishedAt", ["status", "finishedAt"])
    // staff listings, newest first
    .index("by_status_and_kind_and_createdAt", ["status", "kind", "createdAt"])
    .index("by_kind_and_createdAt", ["kind", "createdAt"])
    .index("by_status_and_createdAt", ["status", "createdAt"])
    .index("by_createdAt", ["createdAt"])
    // a record's jobs of one kind, newest first (bilans.progress finds the active generation)
    .index("by_targetId_and_kind_and_createdAt", ["target.id", "kind", "createdAt"]),

  /** Jobs per (status, kind), kept by convex/model/jobCounts.ts with every job write. */
  jobCounts: defineTable({
    status: vJobStatus,
    kind: vJobKind,
    count: v.number(),
  }).index("by_status_and_kind", ["status", "kind"]),

  /**
   * Kinds an operator paused (`nexus-worker jobs pause <kind>`): one row per paused kind,
   * read by jobs.claim and jobs.dueWork, so every worker stops taking that kind at once.
   */
  jobPauses: defineTable({
    kind: vJobKind,
    pausedBy: v.optional(v.id("users")),
    pausedAt: v.number(),
    reason: v.optional(v.string()),
  }).index("by_kind", ["kind"]),

  jobEvents: defineTable({
    jobId: v.id("jobs"),
    type: v.string(),
    message: v.optional(v.string()),
    data: v.optional(v.any()),
    at: v.number(),
  })
    .index("by_jobId_and_at", ["jobId", "at"])
    // retention: events older than 90 days, oldest first
    .index("by_at", ["at"]),

  workers: defineTable({
    workerId: v.string(),
    host: v.string(),
    version: v.string(),
    kinds: v.array(v.string()),
    concurrency: v.record(v.string(), v.number()),
    status: v.union(v.literal("online"), v.literal("stopping"), v.literal("offline")),
    currentJobs: v.array(v.id("jobs")),
    startedAt: v.number(),
    lastSeenAt: v.number(),
  })
    .index("by_workerId", ["workerId"])
    .index("by_status_and_lastSeenAt", ["status", "lastSeenAt"]),

  alerts: defineTable({
    kind: v.union(v.literal("queue_stalled"), v.literal("failure_rate")),
    jobKind: v.optional(v.string()),
    status: v.union(v.literal("open"), v.literal("resolved")),
    message: v.string(),
    details: v.optional(v.any()),
    openedAt: v.number(),
    resolvedAt: v.optional(v.number()),
    notifiedAt: v.optional(v.number()),
    /** The alerts.notify job that emails admins about this incident (one per alert). */
    notifyJobId: v.optional(v.id("jobs")),
  })
    .index("by_status_and_kind_and_jobKind", ["status", "kind", "jobKind"])
    .index("by_openedAt", ["openedAt"]),
};
