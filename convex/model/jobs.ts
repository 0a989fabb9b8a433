// Enqueueing jobs from other Convex functions. The job engine issue owns the
// rest of the lifecycle (claim, heartbeat, complete, fail, retry, cancel).
import { type JobKind, JobPayloadError, parseJobPayload } from "@nexus/shared/jobs";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface EnqueueOptions {
  priority?: number;
  runAt?: number;
  maxAttempts?: number;
  idempotencyKey?: string;
  target?: Doc<"jobs">["target"];
  createdBy?: Id<"users">;
}

/** Validates the payload for its kind and inserts a pending job; an existing job with the same idempotency key is returned instead. */
export async function enqueueJob<K extends JobKind>(
  ctx: MutationCtx,
  kind: K,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<Id<"jobs">> {
  let parsed: unknown;
  try {
    parsed = parseJobPayload(kind, payload);
  } catch (error) {
    if (error instanceof JobPayloadError) throw appError("INVALID_ARGUMENT", error.message);
    throw error;
  }
  if (options.idempotencyKey) {
    const existing = await ctx.db
      .query("jobs")
      .withIndex("by_idempotencyKey", (q) => q.eq("idempotencyKey", options.idempotencyKey))
      .first();
    if (existing) return existing._id;
  }
  const now = Date.now();
  const jobId = await ctx.db.insert("jobs", {
    kind,
    payload: parsed,
    status: "pending",
    priority: options.priority ?? 0,
    runAt: options.runAt ?? now,
    attempts: 0,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    idempotencyKey: options.idempotencyKey,
    target: options.target,
    createdBy: options.createdBy,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.db.insert("jobEvents", { jobId, type: "enqueued", at: now });
  return jobId;
}
