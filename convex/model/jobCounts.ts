// Exact job counts per (status, kind), changed in the same mutation as the job, so the console
// and the CLI read one row per pair instead of counting jobs. Every insert of a job and every
// change of its status goes through here (a test checks the source for other writers).
import type { JobKind } from "@nexus/shared/jobs";
import type { WithoutSystemFields } from "convex/server";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

type JobStatus = Doc<"jobs">["status"];

async function bump(ctx: MutationCtx, status: JobStatus, kind: JobKind, delta: number) {
  const row = await ctx.db
    .query("jobCounts")
    .withIndex("by_status_and_kind", (q) => q.eq("status", status).eq("kind", kind))
    .unique();
  if (row) await ctx.db.patch(row._id, { count: row.count + delta });
  else await ctx.db.insert("jobCounts", { status, kind, count: delta });
}

export async function insertJob(
  ctx: MutationCtx,
  job: WithoutSystemFields<Doc<"jobs">>,
): Promise<Id<"jobs">> {
  const jobId = await ctx.db.insert("jobs", job);
  await bump(ctx, job.status, job.kind, 1);
  return jobId;
}

/** Patches a job; when the status changes, its count moves from the old pair to the new. */
export async function patchJob(
  ctx: MutationCtx,
  job: Doc<"jobs">,
  patch: Partial<WithoutSystemFields<Doc<"jobs">>>,
): Promise<void> {
  await ctx.db.patch(job._id, patch);
  if (patch.status !== undefined && patch.status !== job.status) {
    await bump(ctx, job.status, job.kind, -1);
    await bump(ctx, patch.status, job.kind, 1);
  }
}

/** Deletes a job (retention) and its count; its events are the caller's to delete first. */
export async function deleteJob(ctx: MutationCtx, job: Doc<"jobs">): Promise<void> {
  await ctx.db.delete(job._id);
  await bump(ctx, job.status, job.kind, -1);
}

/** Non-zero counts; at most one row per (status, kind). */
export async function jobCounts(
  ctx: QueryCtx,
): Promise<{ status: JobStatus; kind: JobKind; count: number }[]> {
  const rows = await ctx.db.query("jobCounts").withIndex("by_status_and_kind").take(200);
  return rows
    .filter((row) => row.count !== 0)
    .map(({ status, kind, count }) => ({ status, kind, count }));
}
