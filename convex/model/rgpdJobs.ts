// The job side of personal-data requests: what rgpd.export and rgpd.erase do in Convex
// (batches, completion, failure), and the staff notification of any job failing for good.
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { audit } from "./audit";
import { addCounts, type BatchResult, eraseBatch, pseudonymFor } from "./erasure";
import type { JobOutcomeHooks } from "./jobOutcomes";
import { notify, notifyMany, staffIds } from "./notifications";
import { EXPORT_TTL_MS, requireRequest, subjectOf } from "./rgpd";

function requestOf(ctx: MutationCtx, job: Doc<"jobs">): Id<"rgpdRequests"> | null {
  return ctx.db.normalizeId("rgpdRequests", String(job.payload?.requestId ?? ""));
}

async function failRequest(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  const requestId = requestOf(ctx, job);
  const request = requestId ? await ctx.db.get(requestId) : null;
  if (request?.status !== "running") return;
  const now = Date.now();
  await ctx.db.patch(request._id, { status: "failed", error: reason, updatedAt: now });
  if (request.kind === "export") {
    await notify(ctx, {
      userId: request.requestedBy,
      kind: "export_ready",
      title: "L’export de vos données a échoué",
      body: "L’équipe a été prévenue ; vous pouvez refaire la demande plus tard.",
      link: "/mes-donnees",
    });
  }
}

export const rgpdJobOutcomes: Partial<Record<Doc<"jobs">["kind"], JobOutcomeHooks>> = {
  "rgpd.export": {
    onFailed: failRequest,
    onCancelled: (ctx, job) => failRequest(ctx, job, "Export annulé par l’équipe."),
  },
  "rgpd.erase": {
    // The account stays deactivated: a failed erasure is retried by staff, never undone.
    onFailed: failRequest,
    onCancelled: (ctx, job) => failRequest(ctx, job, "Effacement interrompu par l’équipe."),
    async onRetried(ctx, job) {
      const requestId = requestOf(ctx, job);
      const request = requestId ? await ctx.db.get(requestId) : null;
      if (request?.status === "failed") {
        await ctx.db.patch(request._id, { status: "running", error: undefined });
      }
    },
  },
};

/** Staff are told of every job that failed for good (the jobs console has the details). */
export async function notifyJobFailure(ctx: MutationCtx, job: Doc<"jobs">, reason: string) {
  await notifyMany(ctx, await staffIds(ctx), {
    kind: "job_failed",
    title: `Échec définitif d’une tâche « ${job.kind} »`,
    body: reason.slice(0, 900),
    link: `/admin/travaux/${job._id}`,
  });
}

/** One batch of an erasure job; totals kept on the request (same transaction). */
export async function eraseStep(
  ctx: MutationCtx,
  requestId: Id<"rgpdRequests">,
  budget?: number,
  crashAfter?: number,
): Promise<BatchResult> {
  const request = await requireRequest(ctx, requestId, "erasure");
  if (request.status === "done") return { done: true, counts: {} };
  if (request.status !== "running") {
    throw appError("INVALID_STATE", "Cet effacement n’a pas été confirmé.");
  }
  const result = await eraseBatch(
    ctx,
    subjectOf(request),
    request.pseudonym ?? (await pseudonymFor(requestId)),
    budget,
    crashAfter,
  );
  await ctx.db.patch(requestId, {
    done: addCounts(request.done ?? {}, result.counts),
    updatedAt: Date.now(),
  });
  return result;
}

/** The erasure finished (and the Clerk user with it): the request keeps only the pseudonym. */
export async function finishErasure(
  ctx: MutationCtx,
  requestId: Id<"rgpdRequests">,
  clerk: string,
): Promise<void> {
  const request = await requireRequest(ctx, requestId, "erasure");
  if (request.status === "done") return;
  const now = Date.now();
  const pseudonym = request.pseudonym ?? (await pseudonymFor(requestId));
  await ctx.db.patch(requestId, {
    status: "done",
    subjectLabel: pseudonym,
    clerk,
    updatedAt: now,
    finishedAt: now,
  });
  await audit(ctx, {
    actorKind: "worker",
    action: "rgpd.erasure.done",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { pseudonym, done: request.done ?? {}, clerk },
  });
  if (request.requestedBy !== request.subjectUserId) {
    await notify(ctx, {
      userId: request.requestedBy,
      kind: "legal",
      title: "Effacement terminé",
      body: "Les données demandées ont été effacées ; le journal ne garde qu’un pseudonyme.",
      link: "/mes-donnees",
    });
  }
}

/** The export's ZIP is in storage: the requester is told, the link lives 7 days. */
export async function finishExport(
  ctx: MutationCtx,
  requestId: Id<"rgpdRequests">,
  storageId: Id<"_storage">,
  size: number,
): Promise<void> {
  const request = await requireRequest(ctx, requestId, "export");
  if (request.status !== "running") {
    // A retried job after success: the new ZIP is not needed.
    await ctx.storage.delete(storageId);
    return;
  }
  const now = Date.now();
  await ctx.db.patch(requestId, {
    status: "ready",
    storageId,
    size,
    expiresAt: now + EXPORT_TTL_MS,
    updatedAt: now,
    finishedAt: now,
  });
  await audit(ctx, {
    actorKind: "worker",
    action: "rgpd.export.ready",
    targetTable: "rgpdRequests",
    targetId: requestId,
    details: { size },
  });
  await notify(ctx, {
    userId: request.requestedBy,
    kind: "export_ready",
    title: "Votre export de données est prêt",
    body: `L’archive de ${request.subjectLabel} est téléchargeable pendant 7 jours.`,
    link: "/mes-donnees",
  });
}
