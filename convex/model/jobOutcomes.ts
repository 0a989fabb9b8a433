// What the end of a job means for the record it works on, decided here and only here
// (workpool's onComplete idea). The queue (model/queue.ts, model/jobs.ts) calls these hooks
// on every terminal path, in the same transaction as the job's own change:
// - failed: `fail` not retryable or on the last attempt, a lease reclaimed after the last
//   attempt (claim and the workers sweep);
// - cancelled: cancel of a pending job, a running job whose worker acknowledges (fail or
//   release with cancelRequested) or whose lease expires after the request;
// - retried: staff put a failed or cancelled job back in the queue; the record returns to the
//   in-progress state the job needs (a hook may refuse the retry with INVALID_STATE).
// Handlers in the worker only throw; they never count attempts nor mark records failed.
// A hook must not throw on a missing or moved-on record: the job's own change still applies.
import type { JobKind } from "@nexus/shared/jobs";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { ariaJobOutcomes } from "./ariaJobs";
import {
  clearStageFailure,
  failGeneration,
  recordStageFailure,
  resumeGeneration,
} from "./bilanPipeline";
import { failDocument, restartDocument } from "./documentStatus";
import { notifyJobFailure, rgpdJobOutcomes } from "./rgpdJobs";
import { countJobOutcome } from "./stats";

export interface JobOutcomeHooks {
  /** The job failed for good; `reason` is its error message, already redacted, in French. */
  onFailed?(ctx: MutationCtx, job: Doc<"jobs">, reason: string): Promise<void>;
  onCancelled?(ctx: MutationCtx, job: Doc<"jobs">): Promise<void>;
  onRetried?(ctx: MutationCtx, job: Doc<"jobs">): Promise<void>;
}

const ACTIVE: readonly Doc<"jobs">["status"][] = ["pending", "running"];

/**
 * Whether another job of the same kind is still queued or running for the same record: then
 * that job decides the record's fate, not this one (e.g. a re-index requested while an ingest
 * ran). Jobs on a record carry an idempotency key `<kind>:<recordId>:…`.
 */
async function supersededBy(ctx: MutationCtx, job: Doc<"jobs">, recordId: string) {
  const prefix = `${job.kind}:${recordId}:`;
  const siblings = await ctx.db
    .query("jobs")
    .withIndex("by_idempotencyKey", (q) =>
      q.gte("idempotencyKey", prefix).lt("idempotencyKey", `${prefix}\uffff`),
    )
    .order("desc")
    .take(100);
  return siblings.some((other) => other._id !== job._id && ACTIVE.includes(other.status));
}

function bilanOf(ctx: MutationCtx, job: Doc<"jobs">): Id<"bilans"> | null {
  return ctx.db.normalizeId("bilans", String(job.payload?.bilanId ?? ""));
}

function documentOf(ctx: MutationCtx, job: Doc<"jobs">): Id<"documents"> | null {
  return ctx.db.normalizeId("documents", String(job.payload?.documentId ?? ""));
}

/** The bilan a PDF or email job was for, if it is still in the state the job served. */
async function servedBilan(ctx: MutationCtx, job: Doc<"jobs">) {
  const bilanId = bilanOf(ctx, job);
  const bilan = bilanId ? await ctx.db.get(bilanId) : null;
  if (!bilan) return null;
  const expected = job.kind === "bilan.pdf" && job.payload?.final === false ? "review" : "approved";
  return bilan.status === expected ? bilan : null;
}

const CANCELLED_BY_STAFF = "annulée par un membre de l'équipe";

async function failBilanGeneration(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  const bilanId = bilanOf(ctx, job);
  if (!bilanId || (await supersededBy(ctx, job, bilanId))) return;
  await failGeneration(ctx, bilanId, reason);
}

async function failIngest(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  const documentId = documentOf(ctx, job);
  if (!documentId || (await supersededBy(ctx, job, documentId))) return;
  await failDocument(ctx, documentId, reason);
}

export const jobOutcomes: Partial<Record<JobKind, JobOutcomeHooks>> = {
  "bilan.generate": {
    onFailed: failBilanGeneration,
    onCancelled: (ctx, job) =>
      failBilanGeneration(
        ctx,
        job,
        `La génération du bilan a été ${CANCELLED_BY_STAFF} : demandez une régénération pour la relancer.`,
      ),
    async onRetried(ctx, job) {
      const bilanId = bilanOf(ctx, job);
      if (bilanId) await resumeGeneration(ctx, bilanId);
    },
  },
  "bilan.pdf": {
    async onFailed(ctx, job, reason) {
      const bilan = await servedBilan(ctx, job);
      if (bilan) await recordStageFailure(ctx, bilan._id, "pdf", reason);
    },
    async onCancelled(ctx, job) {
      const bilan = await servedBilan(ctx, job);
      if (bilan) {
        const message = `La production du rapport PDF a été ${CANCELLED_BY_STAFF}.`;
        await recordStageFailure(ctx, bilan._id, "pdf", message);
      }
    },
    async onRetried(ctx, job) {
      const bilanId = bilanOf(ctx, job);
      if (bilanId) await clearStageFailure(ctx, bilanId, "pdf");
    },
  },
  "email.send": {
    async onFailed(ctx, job, reason) {
      const bilan = await servedBilan(ctx, job);
      if (bilan) await recordStageFailure(ctx, bilan._id, "email", reason);
    },
    async onCancelled(ctx, job) {
      const bilan = await servedBilan(ctx, job);
      if (bilan) {
        const message = `L'envoi du bilan à la famille a été ${CANCELLED_BY_STAFF}.`;
        await recordStageFailure(ctx, bilan._id, "email", message);
      }
    },
    async onRetried(ctx, job) {
      const bilanId = bilanOf(ctx, job);
      if (bilanId) await clearStageFailure(ctx, bilanId, "email");
    },
  },
  "document.ingest": {
    onFailed: failIngest,
    onCancelled: (ctx, job) =>
      failIngest(ctx, job, `L'indexation du document a été ${CANCELLED_BY_STAFF}.`),
    async onRetried(ctx, job) {
      const documentId = documentOf(ctx, job);
      if (documentId) await restartDocument(ctx, documentId);
    },
  },
  ...ariaJobOutcomes,
  ...rgpdJobOutcomes,
};

export async function jobFailed(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  await countJobOutcome(ctx, job, "failed");
  await jobOutcomes[job.kind]?.onFailed?.(ctx, job, reason);
  await notifyJobFailure(ctx, job, reason);
}

export async function jobCancelled(ctx: MutationCtx, job: Doc<"jobs">) {
  await countJobOutcome(ctx, job, "cancelled");
  await jobOutcomes[job.kind]?.onCancelled?.(ctx, job);
}

export async function jobRetried(ctx: MutationCtx, job: Doc<"jobs">) {
  await jobOutcomes[job.kind]?.onRetried?.(ctx, job);
}
