// Queue health and liveness alarms. `queueHealth` reads the state of the queue
// at a given time; `evaluateAlerts` (cron) opens an alert when due work waits
// with no worker to take it or when jobs fail too often, enqueues ONE
// alerts.notify job per incident, and resolves the alert once healthy again.
import { type JobKind, jobKinds } from "@nexus/shared/jobs";
import { type Infer, v } from "convex/values";
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { pageSize } from "../lib/pagination";
import { vJobKind, vJobStatus } from "../validators";
import { jobCounts } from "./jobCounts";
import { enqueueJob } from "./jobs";
import { onlineWorkers } from "./workers";

export const HOUR_MS = 3_600_000;
/** Finished jobs of the last hour above this are reported as "at least" (capped reads). */
export const COUNT_CAP = 250;

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function alertThresholds() {
  return {
    /** Due work older than this with no worker for its kind raises queue_stalled. */
    stallAfterMs: envNumber("ALERT_STALL_AFTER_MS", 120_000),
    /** Share of finished jobs that failed over the last hour above which failure_rate is raised. */
    failureRate: envNumber("ALERT_FAILURE_RATE", 0.5),
    /** …but only with at least this many failures (one failure out of two is not an incident). */
    minFailures: envNumber("ALERT_MIN_FAILURES", 5),
  };
}

async function finishedSince(ctx: QueryCtx, status: "completed" | "failed", since: number) {
  const rows = await ctx.db
    .query("jobs")
    .withIndex("by_status_and_finishedAt", (q) => q.eq("status", status).gte("finishedAt", since))
    .take(COUNT_CAP + 1);
  return rows.length;
}

export const vKindHealth = v.object({
  kind: vJobKind,
  /** Age of the oldest pending job that is due, or null when nothing is due. */
  oldestDueAgeMs: v.union(v.number(), v.null()),
  /** Earliest runAt among pending jobs of this kind (due or not). */
  earliestRunAt: v.union(v.number(), v.null()),
  workersOnline: v.number(),
});

export const vQueueHealth = v.object({
  now: v.number(),
  kinds: v.array(vKindHealth),
  workersOnline: v.number(),
  lastHour: v.object({
    completed: v.number(),
    failed: v.number(),
    failureRate: v.number(),
    capped: v.boolean(),
  }),
});
export type QueueHealth = Infer<typeof vQueueHealth>;

/** The queue as seen at `now` (passed in, so queries stay deterministic). */
export async function queueHealth(ctx: QueryCtx, now: number): Promise<QueueHealth> {
  const workers = await onlineWorkers(ctx, now);
  const kinds = [];
  for (const kind of jobKinds) {
    const first = await ctx.db
      .query("jobs")
      .withIndex("by_status_and_kind_and_runAt", (q) => q.eq("status", "pending").eq("kind", kind))
      .first();
    kinds.push({
      kind,
      oldestDueAgeMs: first && first.runAt <= now ? now - first.runAt : null,
      earliestRunAt: first ? first.runAt : null,
      workersOnline: workers.filter((w) => w.kinds.includes(kind)).length,
    });
  }
  const since = now - HOUR_MS;
  const completed = await finishedSince(ctx, "completed", since);
  const failed = await finishedSince(ctx, "failed", since);
  const finished = completed + failed;
  return {
    now,
    kinds,
    workersOnline: workers.length,
    lastHour: {
      completed,
      failed,
      failureRate: finished === 0 ? 0 : failed / finished,
      capped: completed > COUNT_CAP || failed > COUNT_CAP,
    },
  };
}

export const vQueueStats = v.object({
  health: vQueueHealth,
  counts: v.array(v.object({ kind: vJobKind, status: vJobStatus, count: v.number() })),
});

/** Exact counts per status and kind (model/jobCounts.ts) plus the health figures. */
export async function queueStats(ctx: QueryCtx, now: number) {
  return { health: await queueHealth(ctx, now), counts: await jobCounts(ctx) };
}

// ---------------------------------------------------------------------------

type AlertKind = Doc<"alerts">["kind"];

interface Condition {
  kind: AlertKind;
  jobKind?: JobKind;
  message: string;
  details: unknown;
}

function minutes(ms: number): string {
  return `${Math.round(ms / 60_000)} min`;
}

export function alertConditions(
  health: QueueHealth,
  thresholds: ReturnType<typeof alertThresholds>,
): Condition[] {
  const out: Condition[] = [];
  for (const k of health.kinds) {
    if (
      k.oldestDueAgeMs !== null &&
      k.oldestDueAgeMs > thresholds.stallAfterMs &&
      k.workersOnline === 0
    ) {
      out.push({
        kind: "queue_stalled",
        jobKind: k.kind,
        message: `File bloquée : des tâches « ${k.kind} » attendent depuis ${minutes(k.oldestDueAgeMs)} et aucun worker en ligne ne les traite.`,
        details: { oldestDueAgeMs: k.oldestDueAgeMs, workersOnline: health.workersOnline },
      });
    }
  }
  const { failed, failureRate } = health.lastHour;
  if (failed >= thresholds.minFailures && failureRate > thresholds.failureRate) {
    out.push({
      kind: "failure_rate",
      message: `Taux d'échec élevé : ${Math.round(failureRate * 100)} % des tâches terminées ont échoué durant la dernière heure (${failed} échecs).`,
      details: health.lastHour,
    });
  }
  return out;
}

function conditionKey(kind: AlertKind, jobKind: string | undefined): string {
  return `${kind}:${jobKind ?? "*"}`;
}

/** Cron: opens, keeps or resolves alerts; one alerts.notify job per opened alert. */
export async function evaluateAlerts(
  ctx: MutationCtx,
): Promise<{ opened: number; resolved: number; open: number }> {
  const now = Date.now();
  const conditions = alertConditions(await queueHealth(ctx, now), alertThresholds());
  const wanted = new Map(conditions.map((c) => [conditionKey(c.kind, c.jobKind), c]));
  const open = await ctx.db
    .query("alerts")
    .withIndex("by_status_and_kind_and_jobKind", (q) => q.eq("status", "open"))
    .take(100);
  let resolved = 0;
  for (const alert of open) {
    const key = conditionKey(alert.kind, alert.jobKind);
    if (wanted.has(key)) {
      wanted.delete(key); // still ongoing: same incident, no new alert or email
    } else {
      await ctx.db.patch(alert._id, { status: "resolved", resolvedAt: now });
      resolved++;
    }
  }
  for (const c of wanted.values()) {
    const alertId = await ctx.db.insert("alerts", {
      kind: c.kind,
      jobKind: c.jobKind,
      status: "open",
      message: c.message,
      details: c.details,
      openedAt: now,
    });
    const notifyJobId = await enqueueJob(
      ctx,
      "alerts.notify",
      { alertId },
      { idempotencyKey: `alerts.notify:${alertId}`, priority: 10 },
    );
    await ctx.db.patch(alertId, { notifyJobId });
  }
  return { opened: wanted.size, resolved, open: open.length - resolved + wanted.size };
}

export const vAlertView = v.object({
  id: v.string(),
  kind: v.union(v.literal("queue_stalled"), v.literal("failure_rate")),
  jobKind: v.union(v.string(), v.null()),
  status: v.union(v.literal("open"), v.literal("resolved")),
  message: v.string(),
  details: v.any(),
  openedAt: v.number(),
  resolvedAt: v.union(v.number(), v.null()),
  notifiedAt: v.union(v.number(), v.null()),
  notifyJobId: v.union(v.string(), v.null()),
});

/** Open alerts first, then the most recent ones. */
export async function listAlerts(ctx: QueryCtx, limit: number) {
  const open = await ctx.db
    .query("alerts")
    .withIndex("by_status_and_kind_and_jobKind", (q) => q.eq("status", "open"))
    .take(100);
  const recent = await ctx.db
    .query("alerts")
    .withIndex("by_openedAt")
    .order("desc")
    .take(pageSize(limit, { fallback: 20 }));
  const seen = new Set(open.map((a) => a._id));
  return [...open, ...recent.filter((a) => !seen.has(a._id))].map((a) => ({
    id: a._id,
    kind: a.kind,
    jobKind: a.jobKind ?? null,
    status: a.status,
    message: a.message,
    details: a.details ?? null,
    openedAt: a.openedAt,
    resolvedAt: a.resolvedAt ?? null,
    notifiedAt: a.notifiedAt ?? null,
    notifyJobId: a.notifyJobId ?? null,
  }));
}
