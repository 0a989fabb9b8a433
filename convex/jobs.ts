// The job queue API. Two audiences, one set of model functions:
// - staff (admin, assistante), in the web app or the CLI with their API key: list, get,
//   enqueue, retry, cancel, reprocess, stats (enqueue and reprocess of LLM or embedding work
//   count against the caller's staff rate limits, model/rateLimits.ts; retry does not);
// - the worker, with its service token: claim, heartbeat, complete, fail, release, dueWork.
// Other Convex functions enqueue with model/jobs.ts enqueueJob (or internal.jobs.enqueueInternal).
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { staffMutation, staffQuery, workerMutation, workerQuery } from "./lib/functions";
import { queueStats, vQueueStats } from "./model/alerts";
import { listPauses, pauseKind, resumeKind, vJobPause } from "./model/jobPauses";
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
import { limitJob } from "./model/rateLimits";
import { vJobKind } from "./validators";

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

// --- staff -----------------------------------------------------------------

export const list = staffQuery({
  args: { ...vJobListFilter, paginationOpts: paginationOptsValidator },
  returns: vJobPage,
  handler: async (ctx, { paginationOpts, ...filter }) => {
    return await listJobs(ctx, filter, paginationOpts);
  },
});

export const get = staffQuery({
  args: { jobId: v.string() },
  returns: vJobWithEvents,
  handler: async (ctx, { jobId }) => {
    return await getJobWithEvents(ctx, jobId);
  },
});

export const enqueue = staffMutation({
  args: vEnqueueArgs,
  returns: vEnqueueResult,
  handler: async (ctx, { kind, payload, ...options }) => {
    await limitJob(ctx, ctx.user, kind);
    const { jobId, created } = await enqueueJobWithOutcome(ctx, kind, payload, {
      ...options,
      createdBy: ctx.user._id,
    });
    return { job: toJobView((await ctx.db.get(jobId))!), created };
  },
});

export const retry = staffMutation({
  args: { jobId: v.string() },
  returns: vJobView,
  handler: async (ctx, { jobId }) => {
    return await retryJob(ctx, jobId, `user:${ctx.user._id}`);
  },
});

export const cancel = staffMutation({
  args: { jobId: v.string() },
  returns: vJobView,
  handler: async (ctx, { jobId }) => {
    return await cancelJob(ctx, jobId, `user:${ctx.user._id}`);
  },
});

export const reprocess = staffMutation({
  args: { target: vReprocessTarget, id: v.string() },
  returns: vJobView,
  handler: async (ctx, { target, id }) => {
    await limitJob(ctx, ctx.user, target === "bilan" ? "bilan.generate" : "document.ingest");
    return await reprocessTarget(ctx, target, id, ctx.user._id);
  },
});

export const stats = staffQuery({
  // `now` comes from the caller (rounded to the minute by the UI) so the query stays cacheable.
  args: { now: v.number() },
  returns: vQueueStats,
  handler: async (ctx, { now }) => {
    return await queueStats(ctx, now);
  },
});

/** Paused kinds (`nexus-worker jobs pause <kind>`): no worker claims them until resumed. */
export const pauses = staffQuery({
  args: {},
  returns: v.array(vJobPause),
  handler: async (ctx) => await listPauses(ctx),
});

export const pause = staffMutation({
  args: { kind: vJobKind, reason: v.optional(v.string()) },
  returns: v.object({ kind: vJobKind, changed: v.boolean() }),
  handler: async (ctx, { kind, reason }) => await pauseKind(ctx, kind, ctx.user._id, reason),
});

export const resume = staffMutation({
  args: { kind: vJobKind },
  returns: v.object({ kind: vJobKind, changed: v.boolean() }),
  handler: async (ctx, { kind }) => await resumeKind(ctx, kind, ctx.user._id),
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
