// The worker registry: each worker announces itself, beats every few seconds,
// and says goodbye on shutdown. A cron marks silent workers offline and takes
// back their expired jobs. Written only by worker-secret functions and the cron.
import { type Infer, v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { reclaimExpiredLeases } from "./queue";

/** A worker not seen for this long is offline (it beats every ~5 s). */
export function offlineAfterMs(): number {
  const fromEnv = Number(process.env.WORKER_OFFLINE_AFTER_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

export const vWorkerInfo = {
  workerId: v.string(),
  host: v.string(),
  version: v.string(),
  kinds: v.array(v.string()),
  concurrency: v.record(v.string(), v.number()),
};

export async function registerWorker(
  ctx: MutationCtx,
  info: {
    workerId: string;
    host: string;
    version: string;
    kinds: string[];
    concurrency: Record<string, number>;
  },
): Promise<null> {
  const now = Date.now();
  const existing = await findWorker(ctx, info.workerId);
  const fields = { ...info, status: "online" as const, lastSeenAt: now, currentJobs: [] };
  if (existing) await ctx.db.patch(existing._id, { ...fields, startedAt: now });
  else await ctx.db.insert("workers", { ...fields, startedAt: now });
  return null;
}

async function findWorker(ctx: QueryCtx, workerId: string) {
  return await ctx.db
    .query("workers")
    .withIndex("by_workerId", (q) => q.eq("workerId", workerId))
    .unique();
}

export async function workerBeat(
  ctx: MutationCtx,
  args: { workerId: string; currentJobs: Id<"jobs">[]; status: "online" | "stopping" },
): Promise<{ known: boolean }> {
  const worker = await findWorker(ctx, args.workerId);
  if (!worker) return { known: false };
  await ctx.db.patch(worker._id, {
    currentJobs: args.currentJobs.slice(0, 100),
    status: args.status,
    lastSeenAt: Date.now(),
  });
  return { known: true };
}

export async function stopWorker(ctx: MutationCtx, workerId: string): Promise<null> {
  const worker = await findWorker(ctx, workerId);
  if (worker) {
    await ctx.db.patch(worker._id, { status: "offline", currentJobs: [], lastSeenAt: Date.now() });
  }
  return null;
}

/** Cron: silent workers go offline; expired leases go back to the queue. */
export async function sweepWorkers(
  ctx: MutationCtx,
): Promise<{ markedOffline: number; reclaimed: number }> {
  const now = Date.now();
  const cutoff = now - offlineAfterMs();
  let markedOffline = 0;
  for (const status of ["online", "stopping"] as const) {
    const silent = await ctx.db
      .query("workers")
      .withIndex("by_status_and_lastSeenAt", (q) => q.eq("status", status).lt("lastSeenAt", cutoff))
      .take(100);
    for (const worker of silent) {
      await ctx.db.patch(worker._id, { status: "offline", currentJobs: [] });
      markedOffline++;
    }
  }
  const reclaimed = await reclaimExpiredLeases(ctx, now, 200);
  return { markedOffline, reclaimed };
}

export const vWorkerView = v.object({
  workerId: v.string(),
  host: v.string(),
  version: v.string(),
  kinds: v.array(v.string()),
  concurrency: v.record(v.string(), v.number()),
  status: v.union(v.literal("online"), v.literal("stopping"), v.literal("offline")),
  currentJobs: v.array(v.string()),
  startedAt: v.number(),
  lastSeenAt: v.number(),
});
export type WorkerView = Infer<typeof vWorkerView>;

function toWorkerView(w: Doc<"workers">): WorkerView {
  return {
    workerId: w.workerId,
    host: w.host,
    version: w.version,
    kinds: w.kinds,
    concurrency: w.concurrency,
    status: w.status,
    currentJobs: w.currentJobs,
    startedAt: w.startedAt,
    lastSeenAt: w.lastSeenAt,
  };
}

/** Online and stopping workers, then the most recently seen offline ones. */
export async function listWorkers(ctx: QueryCtx, offlineLimit = 20): Promise<WorkerView[]> {
  const out: Doc<"workers">[] = [];
  for (const status of ["online", "stopping", "offline"] as const) {
    out.push(
      ...(await ctx.db
        .query("workers")
        .withIndex("by_status_and_lastSeenAt", (q) => q.eq("status", status))
        .order("desc")
        .take(status === "offline" ? offlineLimit : 200)),
    );
  }
  return out.map(toWorkerView);
}

/** Workers marked online and seen since `now - offlineAfterMs()`. */
export async function onlineWorkers(ctx: QueryCtx, now: number): Promise<Doc<"workers">[]> {
  const cutoff = now - offlineAfterMs();
  return await ctx.db
    .query("workers")
    .withIndex("by_status_and_lastSeenAt", (q) =>
      q.eq("status", "online").gte("lastSeenAt", cutoff),
    )
    .take(200);
}
