// The worker registry API: the worker registers, beats and stops with its service
// token; staff read the list; the cron sweeps silent workers.
import { v } from "convex/values";
import { internalMutation } from "./_generated/server";
import { staffQuery, workerMutation } from "./lib/functions";
import {
  listWorkers,
  registerWorker,
  stopWorker,
  sweepWorkers,
  vWorkerInfo,
  vWorkerView,
  workerBeat,
} from "./model/workers";

export const register = workerMutation({
  args: vWorkerInfo,
  returns: v.null(),
  handler: async (ctx, info) => await registerWorker(ctx, info),
});

export const beat = workerMutation({
  args: {
    workerId: v.string(),
    currentJobs: v.array(v.id("jobs")),
    status: v.union(v.literal("online"), v.literal("stopping")),
  },
  returns: v.object({ known: v.boolean() }),
  handler: async (ctx, args) => await workerBeat(ctx, args),
});

export const stop = workerMutation({
  args: { workerId: v.string() },
  returns: v.null(),
  handler: async (ctx, { workerId }) => await stopWorker(ctx, workerId),
});

export const list = staffQuery({
  args: {},
  returns: v.array(vWorkerView),
  handler: async (ctx) => await listWorkers(ctx),
});

/** Cron: marks silent workers offline and takes back expired leases. */
export const sweep = internalMutation({
  args: {},
  returns: v.object({ markedOffline: v.number(), reclaimed: v.number() }),
  handler: async (ctx) => await sweepWorkers(ctx),
});
