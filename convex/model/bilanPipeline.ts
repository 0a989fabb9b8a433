// State changes of a bilan driven by its jobs (generate → review → approve → pdf → email → sent).
// Callers: worker-only functions in pipeline.ts and coach functions in review.ts.
// Never writes scores (scoring belongs to bilans.submit) and never sends anything itself.
import { type BilanStatus, canTransition } from "@nexus/shared/domain";
import type { GenerationMeta, Synthesis } from "@nexus/shared/synthesis";
import type { Infer } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import { redactStored } from "../lib/redact";
import { MAX_RETRIEVED_SOURCES, type vRetrievedSource } from "../tables/bilans";
import { patchBilan } from "./bilanHeads";
import { notifyReportSent, notifyReviewReady } from "./bilanNotifications";
import { enqueueJob } from "./jobs";
import { countBilanDelivery, countBilanStage, countGeneration } from "./stats";

export async function requireBilan(ctx: QueryCtx, bilanId: Id<"bilans">): Promise<Doc<"bilans">> {
  const bilan = await ctx.db.get(bilanId);
  if (!bilan) throw appError("NOT_FOUND", "Bilan introuvable.");
  return bilan;
}

export function assertTransition(bilan: Doc<"bilans">, to: BilanStatus) {
  if (bilan.status !== to && !canTransition(bilan.status, to)) {
    throw appError(
      "INVALID_STATE",
      `Le bilan est au statut « ${bilan.status} » : passage à « ${to} » impossible.`,
    );
  }
}

/** Everything a worker handler needs about a bilan: the bilan, its student and the people to write to. */
export async function loadBilanContext(ctx: QueryCtx, bilanId: Id<"bilans">) {
  const bilan = await requireBilan(ctx, bilanId);
  const student = await ctx.db.get(bilan.studentId);
  if (!student) throw appError("NOT_FOUND", "Élève du bilan introuvable.");
  const guardianships = await ctx.db
    .query("guardianships")
    .withIndex("by_studentId", (q) => q.eq("studentId", student._id))
    .take(10);
  const guardians = [];
  for (const link of guardianships) {
    const parent = await ctx.db.get(link.parentId);
    if (parent)
      guardians.push({
        userId: parent._id,
        name: parent.name,
        email: parent.email,
        ...(parent.salutation ? { salutation: parent.salutation } : {}),
      });
  }
  const studentUser = student.userId ? await ctx.db.get(student.userId) : null;
  const approver = bilan.review?.approvedBy ? await ctx.db.get(bilan.review.approvedBy) : null;
  return {
    bilan,
    student,
    guardians,
    studentAccount: studentUser
      ? { userId: studentUser._id, name: studentUser.name, email: studentUser.email }
      : null,
    approverName: approver?.name ?? null,
    previous: await previousApprovedBilan(ctx, bilan),
  };
}

/** Bilans of the same student and subject read back when looking for the previous approved one. */
const PREVIOUS_BILAN_SCAN = 20;

/**
 * The latest bilan of the same student and subject created before this one, approved or sent,
 * with scores: what the report and the e-mail compare against. Index read, newest first,
 * bounded (a student has a handful of bilans per subject).
 */
export async function previousApprovedBilan(
  ctx: QueryCtx,
  bilan: Doc<"bilans">,
): Promise<{
  bilanId: Id<"bilans">;
  date: number;
  scores: NonNullable<Doc<"bilans">["scores"]>;
} | null> {
  const earlier = await ctx.db
    .query("bilans")
    .withIndex("by_studentId_and_subject_and_createdAt", (q) =>
      q
        .eq("studentId", bilan.studentId)
        .eq("subject", bilan.subject)
        .lt("createdAt", bilan.createdAt),
    )
    .order("desc")
    .take(PREVIOUS_BILAN_SCAN);
  const found = earlier.find(
    (b) => (b.status === "approved" || b.status === "sent") && b.scores !== undefined,
  );
  if (!found?.scores) return null;
  return {
    bilanId: found._id,
    // The day the student took it (its scores date from the submission), not the later
    // approval: « depuis le bilan du 13 novembre » names when the earlier level was measured.
    date: found.submittedAt ?? found.createdAt,
    scores: found.scores,
  };
}

/** submitted/review/approved/sent/failed → generating. Idempotent for a retried job. */
export async function startGeneration(ctx: MutationCtx, bilanId: Id<"bilans">) {
  const bilan = await requireBilan(ctx, bilanId);
  if (!bilan.scores || !bilan.profile) {
    throw appError(
      "INVALID_STATE",
      "Ce bilan n'a pas de résultats calculés : il doit d'abord être soumis.",
    );
  }
  assertTransition(bilan, "generating");
  await patchBilan(ctx, bilanId, {
    status: "generating",
    failure: undefined,
    updatedAt: Date.now(),
  });
}

/** What a generation run used, kept on its revision for the provenance timeline. */
export interface GenerationRun {
  /** The bilan.generate job that wrote the synthesis. */
  jobId?: Id<"jobs">;
  /** Passages retrieved for the run (trimmed to MAX_RETRIEVED_SOURCES). */
  retrieved?: Infer<typeof vRetrievedSource>[];
}

export async function saveGeneratedSynthesis(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  synthesis: Synthesis,
  generation: GenerationMeta,
  options: { previewPdf?: boolean; run?: GenerationRun } = {},
) {
  const bilan = await requireBilan(ctx, bilanId);
  assertTransition(bilan, "review");
  const now = Date.now();
  const version = (bilan.synthesisVersion ?? 0) + 1;
  await patchBilan(ctx, bilanId, {
    status: "review",
    synthesis,
    synthesisVersion: version,
    generation,
    review: bilan.review ? { coachNote: bilan.review.coachNote } : undefined,
    updatedAt: now,
  });
  await ctx.db.insert("bilanRevisions", {
    bilanId,
    source: "generated",
    synthesis,
    version,
    jobId: options.run?.jobId,
    generation,
    retrieved: options.run?.retrieved?.slice(0, MAX_RETRIEVED_SOURCES),
    createdAt: now,
  });
  await recordCitations(ctx, bilanId, synthesis, version, now);
  await countGeneration(ctx, generation, now);
  await notifyReviewReady(ctx, bilan);
  // A provisional PDF lets the coach read the report as the family will see it.
  if (options.previewPdf === false) return;
  await enqueueJob(
    ctx,
    "bilan.pdf",
    { bilanId, final: false },
    {
      idempotencyKey: `bilan.pdf:${bilanId}:preview:${now}`,
      target: { table: "bilans", id: bilanId },
    },
  );
}

/** Distinct cited passages a synthesis can hold that are looked up for citations. */
const MAX_CITED_PASSAGES = 50;

/**
 * One bilanCitations row per document the synthesis cites (passages resolved from
 * `sources[].chunkId`; a passage since purged is skipped), so a document lists its citing
 * bilans by index.
 */
export async function recordCitations(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  synthesis: Synthesis,
  synthesisVersion: number,
  now: number,
) {
  const chunkIds = [
    ...new Set(synthesis.recommendations.flatMap((r) => r.sources.map((s) => s.chunkId))),
  ].slice(0, MAX_CITED_PASSAGES);
  const passages = new Map<Id<"documents">, number>();
  for (const chunkId of chunkIds) {
    const id = ctx.db.normalizeId("chunks", chunkId);
    const chunk = id ? await ctx.db.get(id) : null;
    if (chunk) passages.set(chunk.documentId, (passages.get(chunk.documentId) ?? 0) + 1);
  }
  for (const [documentId, count] of passages) {
    const existing = await ctx.db
      .query("bilanCitations")
      .withIndex("by_bilanId_and_documentId", (q) =>
        q.eq("bilanId", bilanId).eq("documentId", documentId),
      )
      .unique();
    const row = { synthesisVersion, passages: count, citedAt: now };
    if (existing) await ctx.db.patch(existing._id, row);
    else await ctx.db.insert("bilanCitations", { documentId, bilanId, ...row });
  }
}

/**
 * review → approved by a reviewer: records the approval and enqueues the final PDF, whose
 * job then enqueues the email (savePdf). Callers check who may approve.
 */
export async function approveBilan(
  ctx: MutationCtx,
  bilan: Doc<"bilans">,
  approver: { userId: Id<"users">; coachNote?: string },
  now: number,
): Promise<Id<"jobs">> {
  if (bilan.status !== "review" || !bilan.synthesis) {
    throw appError(
      "INVALID_STATE",
      "Seul un bilan en relecture, avec sa synthèse, peut être validé.",
    );
  }
  await patchBilan(ctx, bilan._id, {
    status: "approved",
    review: {
      coachNote: approver.coachNote?.trim() || undefined,
      approvedBy: approver.userId,
      approvedAt: now,
    },
    updatedAt: now,
  });
  await countBilanStage(ctx, bilan, "approved", now);
  return await enqueueJob(
    ctx,
    "bilan.pdf",
    { bilanId: bilan._id, final: true },
    {
      idempotencyKey: `bilan.pdf:${bilan._id}:final:${now}`,
      target: { table: "bilans", id: bilan._id },
      createdBy: approver.userId,
    },
  );
}

/** Statuses in which a bilan waits for its generation job. */
const AWAITING_GENERATION: readonly BilanStatus[] = ["submitted", "generating"];

/**
 * The generation job ended without a synthesis (failed, cancelled, worker gone): the bilan
 * becomes `failed` with a French reason, so a coach can request a regeneration. A bilan that
 * moved on meanwhile (reviewed, approved) is left alone.
 */
export async function failGeneration(ctx: MutationCtx, bilanId: Id<"bilans">, message: string) {
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || !AWAITING_GENERATION.includes(bilan.status)) return;
  const now = Date.now();
  await patchBilan(ctx, bilanId, {
    status: "failed",
    failure: { stage: "generation", message: redactStored(message, 2_000), at: now },
    updatedAt: now,
  });
  await countBilanStage(ctx, bilan, "failed", now);
}

/** A failed generation job is retried: the bilan waits for it again (failed/submitted → generating). */
export async function resumeGeneration(ctx: MutationCtx, bilanId: Id<"bilans">) {
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || bilan.status === "generating") return;
  if (bilan.status !== "failed" && bilan.status !== "submitted") {
    throw appError(
      "INVALID_STATE",
      `Le bilan est passé au statut « ${bilan.status} » depuis cette tâche : demandez une régénération plutôt que de la relancer.`,
    );
  }
  await patchBilan(ctx, bilanId, {
    status: "generating",
    failure: undefined,
    updatedAt: Date.now(),
  });
}

/**
 * A PDF or email job failed or was cancelled: the bilan keeps its status, its synthesis and
 * any PDF, and staff see why in `failure` (the job can be retried once the cause is fixed).
 */
export async function recordStageFailure(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  stage: "pdf" | "email",
  message: string,
) {
  const bilan = await ctx.db.get(bilanId);
  if (!bilan) return;
  const now = Date.now();
  await patchBilan(ctx, bilanId, {
    failure: { stage, message: redactStored(message, 2_000), at: now },
    updatedAt: now,
  });
}

/** The job of `stage` is retried: its failure no longer describes the bilan. */
export async function clearStageFailure(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  stage: "pdf" | "email",
) {
  const bilan = await ctx.db.get(bilanId);
  if (bilan?.failure?.stage !== stage) return;
  await patchBilan(ctx, bilanId, { failure: undefined, updatedAt: Date.now() });
}

/**
 * Records a new PDF as the bilan's current one (version + 1) and deletes the previous blob,
 * in one transaction. A provisional PDF never replaces a final one. The final PDF of an
 * approved bilan enqueues its email, once per version.
 */
export async function savePdf(
  ctx: MutationCtx,
  args: {
    bilanId: Id<"bilans">;
    storageId: Id<"_storage">;
    size: number;
    final: boolean;
    jobId?: Id<"jobs">;
  },
) {
  const bilan = await requireBilan(ctx, args.bilanId);
  const discard = async (reason: string) => {
    await ctx.storage.delete(args.storageId);
    return { accepted: false as const, reason };
  };
  if (args.final && bilan.status !== "approved") {
    return await discard(`bilan au statut « ${bilan.status} », PDF final ignoré`);
  }
  if (!args.final && (bilan.status !== "review" || bilan.pdf?.final)) {
    return await discard("PDF provisoire obsolète ignoré");
  }
  const version = (bilan.pdf?.version ?? 0) + 1;
  const now = Date.now();
  if (bilan.pdf) await ctx.storage.delete(bilan.pdf.storageId);
  await patchBilan(ctx, args.bilanId, {
    pdf: {
      storageId: args.storageId,
      version,
      size: args.size,
      final: args.final,
      generatedAt: now,
    },
    updatedAt: now,
  });
  await ctx.db.insert("bilanReports", {
    bilanId: args.bilanId,
    version,
    final: args.final,
    size: args.size,
    jobId: args.jobId,
    generatedAt: now,
  });
  if (args.final) {
    await enqueueJob(
      ctx,
      "email.send",
      { bilanId: args.bilanId, pdfVersion: version },
      {
        idempotencyKey: `email.send:${args.bilanId}:v${version}`,
        target: { table: "bilans", id: args.bilanId },
      },
    );
  }
  return { accepted: true as const, version };
}

/** Marks the bilan sent once every recipient of the current PDF version has been sent to. */
export async function completeDelivery(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  pdfVersion: number,
) {
  const bilan = await requireBilan(ctx, bilanId);
  const rows = await ctx.db
    .query("emails")
    .withIndex("by_bilanId", (q) => q.eq("bilanId", bilanId))
    .take(100);
  const current = rows.filter((row) => row.pdfVersion === pdfVersion);
  const pending = current.filter((row) => row.status !== "sent");
  if (current.length === 0 || pending.length > 0) {
    return { sent: false, pending: pending.map((row) => row.to) };
  }
  if (bilan.status !== "sent") {
    assertTransition(bilan, "sent");
    const now = Date.now();
    await countBilanDelivery(ctx, bilan, now);
    await patchBilan(ctx, bilanId, {
      status: "sent",
      sentAt: now,
      failure: undefined,
      updatedAt: now,
    });
    await notifyReportSent(ctx, bilan);
  }
  return { sent: true, pending: [] as string[] };
}
