// Retention (model/retention.ts): the daily cron runs every policy in batches until nothing is
// left, one retentionRuns row per run with what it removed; staff see the policy, a dry run
// and the last runs (/admin/rgpd, CLI `retention run [--dry-run]`).
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalMutation, type MutationCtx } from "./_generated/server";
import { appError } from "./lib/errors";
import { staffMutation, staffQuery, workerMutation } from "./lib/functions";
import { audit } from "./model/audit";
import { enqueueJob } from "./model/jobs";
import { previewRetention, RETENTION_POLICIES, retentionBatch } from "./model/retention";

const vRun = v.object({
  _id: v.id("retentionRuns"),
  trigger: v.union(v.literal("cron"), v.literal("cli"), v.literal("staff")),
  status: v.union(v.literal("running"), v.literal("done")),
  counts: v.record(v.string(), v.number()),
  startedAt: v.number(),
  finishedAt: v.optional(v.number()),
});

async function step(ctx: MutationCtx, runId: Id<"retentionRuns">) {
  const run = await ctx.db.get(runId);
  if (!run || run.status === "done") return;
  const { counts, more } = await retentionBatch(ctx, run.startedAt, run.counts);
  if (more) {
    await ctx.db.patch(runId, { counts });
    await ctx.scheduler.runAfter(0, internal.retention.continueRun, { runId });
    return;
  }
  const finishedAt = Date.now();
  await ctx.db.patch(runId, { counts, status: "done", finishedAt });
  await audit(ctx, {
    actorKind: "system",
    action: "retention.run",
    targetTable: "retentionRuns",
    targetId: runId,
    details: { trigger: run.trigger, counts },
  });
}

async function startRun(ctx: MutationCtx, trigger: "cron" | "cli" | "staff") {
  const runId = await ctx.db.insert("retentionRuns", {
    trigger,
    dryRun: false,
    status: "running",
    counts: {},
    startedAt: Date.now(),
  });
  await step(ctx, runId);
  // The .eml files are on the worker's disk: the worker prunes them and adds its figure to
  // this run (`recordOutbox`). The CLI prunes its own host's folder instead.
  if (trigger !== "cli") {
    const startedAt = (await ctx.db.get(runId))!.startedAt;
    await enqueueJob(
      ctx,
      "retention.outbox",
      { runId, startedAt },
      { idempotencyKey: `retention.outbox:${runId}`, priority: -10 },
    );
  }
  return runId;
}

/** Cron, daily. */
export const daily = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    await startRun(ctx, "cron");
    return null;
  },
});

/** The next batch of a run (scheduled by the previous one while a policy has more). */
export const continueRun = internalMutation({
  args: { runId: v.id("retentionRuns") },
  returns: v.null(),
  handler: async (ctx, { runId }) => {
    await step(ctx, runId);
    return null;
  },
});

/** Worker (retention.outbox): adds the .eml files it removed to the run's figures. */
export const recordOutbox = workerMutation({
  args: { runId: v.id("retentionRuns"), removed: v.number() },
  returns: v.null(),
  handler: async (ctx, { runId, removed }) => {
    if (!Number.isInteger(removed) || removed < 0) {
      throw appError("INVALID_ARGUMENT", "Nombre de fichiers supprimés invalide.");
    }
    const run = await ctx.db.get(runId);
    if (!run) return null;
    const counts = { ...run.counts, outboxFiles: (run.counts.outboxFiles ?? 0) + removed };
    await ctx.db.patch(runId, { counts });
    return null;
  },
});

/** Staff: the policy, what a run would remove now (dry run) and the last runs. */
export const overview = staffQuery({
  args: { now: v.number() },
  returns: v.object({
    policies: v.array(
      v.object({ key: v.string(), label: v.string(), days: v.number(), after: v.string() }),
    ),
    preview: v.record(v.string(), v.number()),
    runs: v.array(vRun),
  }),
  handler: async (ctx, { now }) => {
    const runs = await ctx.db
      .query("retentionRuns")
      .withIndex("by_startedAt")
      .order("desc")
      .take(10);
    return {
      policies: RETENTION_POLICIES.map((p) => ({ ...p })),
      preview: await previewRetention(ctx, now),
      runs: runs.map(({ _creationTime, dryRun, ...run }) => run),
    };
  },
});

/** Staff (CLI `retention run`): starts a run now; returns its id (figures in `overview`). */
export const run = staffMutation({
  args: {},
  returns: v.id("retentionRuns"),
  handler: async (ctx) => {
    const runId = await startRun(ctx, ctx.actor.apiKeyId ? "cli" : "staff");
    await audit(ctx, {
      actorKind: "user",
      actorId: ctx.user._id,
      action: "retention.start",
      targetTable: "retentionRuns",
      targetId: runId,
    });
    return runId;
  },
});
