// Pausing a job kind for every worker at once (`nexus-worker jobs pause/resume <kind>`):
// a row in jobPauses per paused kind. Claims and the due-work subscription skip paused
// kinds, so a worker started later honours the pause too; running jobs finish normally.

import type { JobKind } from "@nexus/shared/jobs";
import { v } from "convex/values";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { vJobKind } from "../validators";
import { audit } from "./audit";

export const vJobPause = v.object({
  kind: vJobKind,
  pausedAt: v.number(),
  pausedBy: v.optional(v.id("users")),
  reason: v.optional(v.string()),
});

export async function isKindPaused(ctx: QueryCtx, kind: JobKind): Promise<boolean> {
  const row = await ctx.db
    .query("jobPauses")
    .withIndex("by_kind", (q) => q.eq("kind", kind))
    .first();
  return row !== null;
}

/** The kinds among `kinds` that are not paused (one indexed read per kind). */
export async function unpausedKinds(ctx: QueryCtx, kinds: Iterable<JobKind>): Promise<JobKind[]> {
  const out: JobKind[] = [];
  for (const kind of new Set(kinds)) if (!(await isKindPaused(ctx, kind))) out.push(kind);
  return out;
}

export async function listPauses(ctx: QueryCtx) {
  // At most one row per kind: the table never holds more than the number of kinds.
  const rows = await ctx.db.query("jobPauses").take(100);
  return rows
    .map(({ kind, pausedAt, pausedBy, reason }) => ({ kind, pausedAt, pausedBy, reason }))
    .sort((a, b) => a.kind.localeCompare(b.kind));
}

/** Pauses a kind; pausing a paused kind changes nothing. Returns whether it was running. */
export async function pauseKind(
  ctx: MutationCtx,
  kind: JobKind,
  userId: Id<"users">,
  reason?: string,
): Promise<{ kind: JobKind; changed: boolean }> {
  if (await isKindPaused(ctx, kind)) return { kind, changed: false };
  const cleaned = reason?.trim().slice(0, 500) || undefined;
  await ctx.db.insert("jobPauses", {
    kind,
    pausedBy: userId,
    pausedAt: Date.now(),
    reason: cleaned,
  });
  await audit(ctx, {
    actorKind: "user",
    actorId: userId,
    action: "jobs.pause",
    details: { kind, reason: cleaned },
  });
  return { kind, changed: true };
}

export async function resumeKind(
  ctx: MutationCtx,
  kind: JobKind,
  userId: Id<"users">,
): Promise<{ kind: JobKind; changed: boolean }> {
  const rows = await ctx.db
    .query("jobPauses")
    .withIndex("by_kind", (q) => q.eq("kind", kind))
    .take(10);
  for (const row of rows) await ctx.db.delete(row._id);
  if (rows.length > 0) {
    await audit(ctx, {
      actorKind: "user",
      actorId: userId,
      action: "jobs.resume",
      details: { kind },
    });
  }
  return { kind, changed: rows.length > 0 };
}
