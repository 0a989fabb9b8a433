// Retention policy: how long each kind of data is kept, enforced by a daily cron in batches
// (retention.ts), with a dry run for staff and figures per run (retentionRuns). A row is
// removed when its date is strictly older than `now - days` (a row dated exactly at the
// cut-off stays until the next run). Aggregate statistics (statCounters, statWeeks) are
// never touched.
// The local outbox's .eml files live on the worker's disk: each run queues `retention.outbox`
// for the worker to prune them (policy "outboxFiles"); the other policies run here.
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { deleteBilan } from "./bilanHeads";
import { deleteJob } from "./jobCounts";
import { personalDataEntry } from "./personalData";

const DAY = 24 * 60 * 60 * 1000;

export type PolicyKey =
  | "finishedJobs"
  | "jobEvents"
  | "emails"
  | "auditLogs"
  | "notifications"
  | "bilans"
  | "exports";

export interface RetentionPolicy {
  key: PolicyKey | "outboxFiles";
  /** French, for the staff view and the CLI. */
  label: string;
  days: number;
  /** What the date is (French). */
  after: string;
}

export const RETENTION_POLICIES: readonly RetentionPolicy[] = [
  {
    key: "finishedJobs",
    label: "Tâches terminées (avec leur contenu)",
    days: 30,
    after: "leur fin",
  },
  { key: "jobEvents", label: "Journaux des tâches", days: 90, after: "leur écriture" },
  { key: "emails", label: "E-mails envoyés (destinataire, objet)", days: 365, after: "leur envoi" },
  {
    key: "outboxFiles",
    label: "Fichiers de la boîte d’envoi locale (.eml)",
    days: 30,
    after: "leur écriture",
  },
  { key: "auditLogs", label: "Journal d’audit", days: 365, after: "l’action" },
  { key: "notifications", label: "Notifications", days: 365, after: "leur envoi" },
  { key: "bilans", label: "Bilans et rapports PDF", days: 3 * 365, after: "la dernière activité" },
  { key: "exports", label: "Exports de données (ZIP)", days: 7, after: "leur préparation" },
];

export function cutoff(policy: RetentionPolicy, now: number): number {
  return now - policy.days * DAY;
}

const FINISHED: readonly Doc<"jobs">["status"][] = ["completed", "failed", "cancelled"];

function policy(key: PolicyKey): RetentionPolicy {
  return RETENTION_POLICIES.find((p) => p.key === key)!;
}

/** Candidates of one policy, oldest first, at most `limit`. */
async function candidates(ctx: QueryCtx, key: PolicyKey, now: number, limit: number) {
  const before = cutoff(policy(key), now);
  switch (key) {
    case "finishedJobs": {
      const rows: Doc<"jobs">[] = [];
      for (const status of FINISHED) {
        if (rows.length >= limit) break;
        rows.push(
          ...(await ctx.db
            .query("jobs")
            .withIndex("by_status_and_finishedAt", (q) =>
              q.eq("status", status).gt("finishedAt", 0).lt("finishedAt", before),
            )
            .take(limit - rows.length)),
        );
      }
      return rows;
    }
    case "jobEvents":
      return await ctx.db
        .query("jobEvents")
        .withIndex("by_at", (q) => q.lt("at", before))
        .take(limit);
    case "emails":
      return await ctx.db
        .query("emails")
        .withIndex("by_createdAt", (q) => q.lt("createdAt", before))
        .take(limit);
    case "auditLogs":
      return await ctx.db
        .query("auditLogs")
        .withIndex("by_at", (q) => q.lt("at", before))
        .take(limit);
    case "notifications":
      return await ctx.db
        .query("notifications")
        .withIndex("by_createdAt", (q) => q.lt("createdAt", before))
        .take(limit);
    case "bilans":
      return await ctx.db
        .query("bilans")
        .withIndex("by_updatedAt", (q) => q.lt("updatedAt", before))
        .take(limit);
    case "exports":
      return await ctx.db
        .query("rgpdRequests")
        .withIndex("by_status_and_expiresAt", (q) => q.eq("status", "ready").lt("expiresAt", now))
        .take(limit);
  }
}

export const DB_POLICIES = RETENTION_POLICIES.filter((p) => p.key !== "outboxFiles").map(
  (p) => p.key as PolicyKey,
);

/** The dry run: how many rows each policy would remove now (capped at `cap`, « 1000+ »). */
export async function previewRetention(
  ctx: QueryCtx,
  now: number,
  cap = 1000,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const key of DB_POLICIES) out[key] = (await candidates(ctx, key, now, cap + 1)).length;
  return out;
}

/** Removes one row of `key` with what hangs off it; returns the writes it made (≥ 1). */
async function removeOne(ctx: MutationCtx, key: PolicyKey, row: Doc<never>): Promise<number> {
  switch (key) {
    case "finishedJobs": {
      const job = row as Doc<"jobs">;
      const events = await ctx.db
        .query("jobEvents")
        .withIndex("by_jobId_and_at", (q) => q.eq("jobId", job._id))
        .take(500);
      for (const event of events) await ctx.db.delete(event._id);
      if (events.length === 500) return events.length; // the job goes on a later batch
      await deleteJob(ctx, job);
      return events.length + 1;
    }
    case "bilans": {
      const entry = personalDataEntry("bilans")!;
      const bilan = row as Doc<"bilans">;
      let writes = 0;
      for (const dep of entry.dependents?.(ctx, bilan) ?? []) {
        for (const child of await dep.query.take(200)) {
          await ctx.db.delete(child._id);
          writes++;
        }
      }
      if (writes >= 200) return writes;
      for (const file of entry.files?.(bilan) ?? []) {
        if (await ctx.db.system.get(file.storageId)) await ctx.storage.delete(file.storageId);
      }
      return writes + 1 + (await deleteBilan(ctx, bilan._id));
    }
    case "exports": {
      const request = row as Doc<"rgpdRequests">;
      if (request.storageId && (await ctx.db.system.get(request.storageId))) {
        await ctx.storage.delete(request.storageId);
      }
      await ctx.db.patch(request._id, {
        status: "expired",
        storageId: undefined,
        updatedAt: Date.now(),
      });
      return 1;
    }
    default:
      await ctx.db.delete((row as Doc<"auditLogs">)._id);
      return 1;
  }
}

/**
 * One batch of every policy (at most `batch` rows each) as of `now`; adds what it removed
 * into `counts` and says whether any policy has more to remove.
 */
export async function retentionBatch(
  ctx: MutationCtx,
  now: number,
  counts: Record<string, number>,
  batch = 100,
): Promise<{ counts: Record<string, number>; more: boolean }> {
  const out = { ...counts };
  let more = false;
  for (const key of DB_POLICIES) {
    const rows = await candidates(ctx, key, now, batch);
    let removed = 0;
    for (const row of rows) {
      // A job or bilan with many children may need several batches: counted when it goes.
      const before = await ctx.db.get(row._id);
      await removeOne(ctx, key, row as Doc<never>);
      const gone = key === "exports" || (before && (await ctx.db.get(row._id)) === null);
      if (gone) removed++;
    }
    out[key] = (out[key] ?? 0) + removed;
    if (rows.length === batch) more = true;
  }
  return { counts: out, more };
}
