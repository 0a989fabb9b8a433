// The job queue API. Three audiences, one set of model functions:
// - staff (admin, assistante) through userQuery/userMutation: list, get, enqueue, retry, cancel, reprocess, stats;
// - the worker through WORKER_SECRET: claim, heartbeat, complete, fail, release, dueWork;
// - the CLI, which also holds WORKER_SECRET: the staff operations as admin* functions.
// Other Convex functions enqueue with model/jobs.ts enqueueJob (or internal.jobs.enqueueInternal).
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { userMutation, userQuery, workerMutation, workerQuery } from "./lib/functions";
import { requireRole } from "./model/access";
import { queueStats, vQueueStats } from "./model/alerts";
import {
  cancelJob,
  enqueueJobWithOutcome,
  getJobWithEvents,
  listJobs,
  reprocessTarget,
  retryJob,
  toJobView,
  vJobListFilter,
  vJobView,
  vJobWithEvents,
  vReprocessTarget,
} from "./model/jobs";
import {
  claimJob,
  completeJob,
  dueWork as dueWorkFor,
  failJob,
  heartbeatJob,
  releaseJob,
  vClaimedJob,
  vDueWork,
  vFailOutcome,
  vProgress,
} from "./model/queue";
import { vJobKind } from "./validators";

const STAFF = ["admin", "assistante"] as const;

const vEnqueueArgs = {
  kind: vJobKind,
  payload: v.any(),
  priority: v.optional(v.number()),
  runAt: v.optional(v.number()),
  maxAttempts: v.optional(v.number()),
  idempotencyKey: v.optional(v.string()),
};

const vEnqueueResult = v.object({ job: vJobView, created: v.boolean() });

const vJobPage = v.object({
  page: v.array(vJobView),
  isDone: v.boolean(),
  continueCursor: v.string(),
  splitCursor: v.optional(v.union(v.string(), v.null())),
  pageStatus: v.optional(
    v.union(v.literal("SplitRecommended"), v.literal("SplitRequired"), v.null()),
  ),
});

/** "cli:<name>" for the CLI, so retries record who asked. */
function cliActor(actor: string | undefined): string {
  return `cli:${(actor ?? "inconnu").slice(0, 100)}`;
}

// --- staff -----------------------------------------------------------------

export const list = userQuery({
  args: { ...vJobListFilter, paginationOpts: paginationOptsValidator },
  returns: vJobPage,
  handler: async (ctx, { paginationOpts, ...filter }) => {
    requireRole(ctx.user, STAFF);
    return await listJobs(ctx, filter, paginationOpts);
  },
});

export const get = userQuery({
  args: { jobId: v.string() },
  returns: vJobWithEvents,
  handler: async (ctx, { jobId }) => {
    requireRole(ctx.user, STAFF);
    return await getJobWithEvents(ctx, jobId);
  },
});

export const enqueue = userMutation({
  args: vEnqueueArgs,
  returns: vEnqueueResult,
  handler: async (ctx, { kind, payload, ...options }) => {
    const user = requireRole(ctx.user, STAFF);
    const { jobId, created } = await enqueueJobWithOutcome(ctx, kind, payload, {
      ...options,
      createdBy: user._id,
    });
    return { job: toJobView((await ctx.db.get(jobId))!), created };
  },
});

export const retry = userMutation({
  args: { jobId: v.string() },
  returns: vJobView,
  handler: async (ctx, { jobId }) => {
    const user = requireRole(ctx.user, STAFF);
    return await retryJob(ctx, jobId, `user:${user._id}`);
  },
});

export const cancel = userMutation({
  args: { jobId: v.string() },
  returns: vJobView,
  handler: async (ctx, { jobId }) => {
    const user = requireRole(ctx.user, STAFF);
    return await cancelJob(ctx, jobId, `user:${user._id}`);
  },
});

export const reprocess = userMutation({
  args: { target: vReprocessTarget, id: v.string() },
  returns: vJobView,
  handler: async (ctx, { target, id }) => {
    const user = requireRole(ctx.user, STAFF);
    return await reprocessTarget(ctx, target, id, user._id);
  },
});

export const stats = userQuery({
  // `now` comes from the caller (rounded to the minute by the UI) so the query stays cacheable.
  args: { now: v.number() },
  returns: vQueueStats,
  handler: async (ctx, { now }) => {
    requireRole(ctx.user, STAFF);
    return await queueStats(ctx, now);
  },
});

// --- the CLI (WORKER_SECRET) -------------------------------------------------

export const adminList = workerQuery({
  args: { ...vJobListFilter, paginationOpts: paginationOptsValidator },
  returns: vJobPage,
  handler: async (ctx, { paginationOpts, ...filter }) =>
    await listJobs(ctx, filter, paginationOpts),
});

export const adminGet = workerQuery({
  args: { jobId: v.string() },
  returns: vJobWithEvents,
  handler: async (ctx, { jobId }) => await getJobWithEvents(ctx, jobId),
});

export const adminEnqueue = workerMutation({
  args: vEnqueueArgs,
  returns: vEnqueueResult,
  handler: async (ctx, { kind, payload, ...options }) => {
    const { jobId, created } = await enqueueJobWithOutcome(ctx, kind, payload, options);
    return { job: toJobView((await ctx.db.get(jobId))!), created };
  },
});

export const adminRetry = workerMutation({
  args: { jobId: v.string(), actor: v.optional(v.string()) },
  returns: vJobView,
  handler: async (ctx, { jobId, actor }) => await retryJob(ctx, jobId, cliActor(actor)),
});

export const adminCancel = workerMutation({
  args: { jobId: v.string(), actor: v.optional(v.string()) },
  returns: vJobView,
  handler: async (ctx, { jobId, actor }) => await cancelJob(ctx, jobId, cliActor(actor)),
});

export const adminReprocess = workerMutation({
  args: { target: vReprocessTarget, id: v.string() },
  returns: vJobView,
  handler: async (ctx, { target, id }) => await reprocessTarget(ctx, target, id),
});

export const adminStats = workerQuery({
  args: { now: v.number() },
  returns: vQueueStats,
  handler: async (ctx, { now }) => await queueStats(ctx, now),
});

// --- the worker protocol -------------------------------------------------------

export const claim = workerMutation({
  args: { workerId: v.string(), kinds: v.array(vJobKind), leaseMs: v.number() },
  returns: v.union(vClaimedJob, v.null()),
  handler: async (ctx, args) => await claimJob(ctx, args),
});

export const heartbeat = workerMutation({
  args: {
    jobId: v.id("jobs"),
    claimToken: v.string(),
    leaseMs: v.number(),
    progress: v.optional(vProgress),
  },
  returns: v.object({ cancelRequested: v.boolean(), leaseExpiresAt: v.number() }),
  handler: async (ctx, args) => await heartbeatJob(ctx, args),
});

export const complete = workerMutation({
  args: { jobId: v.id("jobs"), claimToken: v.string(), result: v.optional(v.any()) },
  returns: v.null(),
  handler: async (ctx, args) => await completeJob(ctx, args),
});

export const fail = workerMutation({
  args: {
    jobId: v.id("jobs"),
    claimToken: v.string(),
    error: v.object({ message: v.string(), stack: v.optional(v.string()) }),
    retryable: v.boolean(),
    backoff: v.optional(v.object({ baseMs: v.number(), maxMs: v.number() })),
  },
  returns: vFailOutcome,
  handler: async (ctx, args) => await failJob(ctx, args),
});

export const release = workerMutation({
  args: { jobId: v.id("jobs"), claimToken: v.string(), reason: v.string() },
  returns: v.null(),
  handler: async (ctx, args) => await releaseJob(ctx, args),
});

/** Subscribed to by the worker: per kind, the earliest pending runAt. */
export const dueWork = workerQuery({
  args: { kinds: v.array(vJobKind) },
  returns: vDueWork,
  handler: async (ctx, { kinds }) => await dueWorkFor(ctx, kinds),
});

// --- other Convex functions ----------------------------------------------------

export const enqueueInternal = internalMutation({
  args: vEnqueueArgs,
  returns: v.id("jobs"),
  handler: async (ctx, { kind, payload, ...options }) =>
    (await enqueueJobWithOutcome(ctx, kind, payload, options)).jobId,
});
