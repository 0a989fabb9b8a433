// Bilan lifecycle up to submission: draft creation, answers, submit (scores
// and profile computed here, in the mutation, by packages/shared), plus what
// each role may see of a bilan. Generation and review belong to the worker
// and the coach functions; this module never moves a bilan past `submitted`.

import { scoreBilan } from "@nexus/shared/bilan-scoring";
import {
  type BilanStatus,
  canTransition,
  niveauLabels,
  type Subject,
  subjectLabels,
} from "@nexus/shared/domain";
import {
  getQuestionnaire,
  getSurvey,
  questionnaireFor,
  UnknownQuestionnaireError,
} from "@nexus/shared/questionnaires";
import type { BilanAnswers } from "@nexus/shared/results";
import { AnswerError, checkAnswers } from "@nexus/shared/scoring";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "../lib/errors";
import schema from "../schema";
import { bilanListFields } from "../tables/bilans";
import { canReadStudent, canWriteStudent, isOwnStudent, isStaff, type User } from "./access";
import { audit } from "./audit";
import { insertBilan, patchBilan } from "./bilanHeads";
import { enqueueJob } from "./jobs";
import { limitBilanSubmit } from "./rateLimits";
import { countBilanStage } from "./stats";

/** Statuses in which the family (élève, parents) sees the synthesis and the PDF: after a coach approved it. */
const RELEASED: readonly BilanStatus[] = ["approved", "sent"];

/** Runs pure domain code, turning its errors into ConvexErrors with their French message. */
export function domainCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AnswerError) throw appError("INVALID_ARGUMENT", error.message);
    if (error instanceof UnknownQuestionnaireError) throw appError("INVALID_STATE", error.message);
    throw error;
  }
}

/** Loads a bilan of a student the caller may read; NOT_FOUND otherwise (foreign ids stay secret). */
export async function requireReadableBilan(
  ctx: QueryCtx,
  user: User,
  bilanId: Id<"bilans">,
): Promise<Doc<"bilans">> {
  const bilan = await ctx.db.get(bilanId);
  if (!bilan || !(await canReadStudent(ctx, user, bilan.studentId))) {
    throw appError("NOT_FOUND", "Bilan introuvable.");
  }
  return bilan;
}

/** Answering and submitting: the bilan's own student, or staff. Coaches and parents read only. */
async function requireAnswerableBilan(ctx: QueryCtx, user: User, bilanId: Id<"bilans">) {
  const bilan = await requireReadableBilan(ctx, user, bilanId);
  if (isStaff(user)) return bilan;
  const student = await ctx.db.get(bilan.studentId);
  if (!student || !isOwnStudent(user, student)) {
    throw appError("FORBIDDEN", "Seul l'élève concerné peut répondre à ce bilan.");
  }
  return bilan;
}

export async function createDraft(
  ctx: MutationCtx,
  user: User,
  studentId: Id<"students">,
  subject: Subject,
  now: number,
): Promise<Id<"bilans">> {
  const student = await ctx.db.get(studentId);
  if (!student || !(await canReadStudent(ctx, user, studentId))) {
    throw appError("NOT_FOUND", "Élève introuvable.");
  }
  if (!isOwnStudent(user, student) && !(await canWriteStudent(ctx, user, studentId))) {
    throw appError("FORBIDDEN", "Vous ne pouvez pas ouvrir de bilan pour cet élève.");
  }
  const questionnaire = questionnaireFor(subject, student.niveau);
  if (!questionnaire) {
    throw appError(
      "INVALID_ARGUMENT",
      `Aucun questionnaire de ${subjectLabels[subject]} n'existe pour le niveau ${niveauLabels[student.niveau]}.`,
    );
  }
  // A double click or a second tab resumes the open draft instead of starting another one.
  const recent = await ctx.db
    .query("bilanHeads")
    .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
    .order("desc")
    .take(50);
  const open = recent.find((b) => b.status === "draft" && b.subject === subject);
  if (open) return open.bilanId;
  await countBilanStage(ctx, { subject }, "created", now);
  return await insertBilan(ctx, {
    studentId,
    subject,
    niveau: student.niveau,
    questionnaireId: questionnaire.id,
    status: "draft",
    answers: { qcm: {}, survey: {} },
    createdBy: user._id,
    createdAt: now,
    updatedAt: now,
  });
}

/** Replaces the stored answers (the client sends the whole form); only while `draft`. */
export async function saveAnswers(
  ctx: MutationCtx,
  user: User,
  bilanId: Id<"bilans">,
  answers: BilanAnswers,
  now: number,
): Promise<void> {
  const bilan = await requireAnswerableBilan(ctx, user, bilanId);
  if (bilan.status !== "draft") {
    throw appError(
      "INVALID_STATE",
      "Ce bilan a déjà été soumis : ses réponses ne peuvent plus être modifiées.",
    );
  }
  domainCall(() => checkAnswers(getQuestionnaire(bilan.questionnaireId), getSurvey(), answers));
  await patchBilan(ctx, bilanId, { answers, updatedAt: now });
}

/**
 * draft → submitted: scores and profile are computed here from the stored
 * answers (partial answers allowed: unanswered questions score 0 and are
 * counted), then one `bilan.generate` job is enqueued for the worker. Rate-limited per
 * student and per submitter (RATE_LIMITED, see model/rateLimits.ts).
 */
export async function submit(
  ctx: MutationCtx,
  user: User,
  bilanId: Id<"bilans">,
  now: number,
): Promise<{ jobId: Id<"jobs"> }> {
  const bilan = await requireAnswerableBilan(ctx, user, bilanId);
  if (!canTransition(bilan.status, "submitted")) {
    throw appError("INVALID_STATE", "Ce bilan a déjà été soumis.");
  }
  // Scores of an unanswered questionnaire would all be 0 %: nothing to analyse, nothing to send.
  if (Object.keys(bilan.answers.qcm).length === 0) {
    throw appError(
      "INVALID_ARGUMENT",
      "Ce bilan ne contient aucune réponse au questionnaire : répondez à au moins une question avant de le soumettre.",
    );
  }
  const { scores, profile } = domainCall(() => scoreBilan(bilan.questionnaireId, bilan.answers));
  // Before any write: a refused submit leaves the draft as it was (model/rateLimits.ts).
  await limitBilanSubmit(ctx, user, bilan.studentId);
  await patchBilan(ctx, bilanId, {
    status: "submitted",
    scores,
    profile,
    submittedAt: now,
    updatedAt: now,
  });
  await countBilanStage(ctx, bilan, "submitted", now);
  const jobId = await enqueueGeneration(ctx, bilanId, user._id);
  await audit(ctx, {
    actorKind: "user",
    actorId: user._id,
    action: "bilan.submit",
    targetTable: "bilans",
    targetId: bilanId,
    details: { jobId, overallPercent: scores.overall.percent },
  });
  return { jobId };
}

export async function enqueueGeneration(
  ctx: MutationCtx,
  bilanId: Id<"bilans">,
  createdBy?: Id<"users">,
): Promise<Id<"jobs">> {
  return await enqueueJob(
    ctx,
    "bilan.generate",
    { bilanId },
    {
      idempotencyKey: `bilan.generate:${bilanId}:submit`,
      target: { table: "bilans", id: bilanId },
      createdBy,
    },
  );
}

/** A bilan's report as people see it: whether one exists and what it is, never its storage id. */
export type PdfInfo = Omit<NonNullable<Doc<"bilans">["pdf"]>, "storageId">;
/** `synthesisVersion` always set (0 before any synthesis): the base of review.editSynthesis. */
export type BilanView = Omit<Doc<"bilans">, "pdf" | "synthesisVersion"> & {
  pdf?: PdfInfo;
  synthesisVersion: number;
};

/** The version an edit must name (review.editSynthesis); 0 before any synthesis. */
export function synthesisVersionOf(bilan: Doc<"bilans">): number {
  return bilan.synthesisVersion ?? 0;
}

const { pdf: _vPdf, synthesisVersion: _vVersion, ...bilanFields } = doc(schema, "bilans").fields;
export const vPdfInfo = v.object({
  version: v.number(),
  size: v.number(),
  final: v.boolean(),
  generatedAt: v.number(),
});
/** The validator of BilanView (bilans.get, review.queue). */
export const vBilanView = v.object({
  ...bilanFields,
  pdf: v.optional(vPdfInfo),
  synthesisVersion: v.number(),
});

export function pdfInfo(pdf: NonNullable<Doc<"bilans">["pdf"]>): PdfInfo {
  const { storageId: _storageId, ...info } = pdf;
  return info;
}

/**
 * What the caller sees of a bilan. Staff and coaches see everything but the report's storage
 * id (files.bilanReportUrl gives the file). The family (élève, parents) sees answers, scores
 * and profile at once, but the synthesis only once a coach approved it, and the report only
 * once its final PDF exists; generation metadata, review notes and failure details never.
 */
export function bilanView(bilan: Doc<"bilans">, user: User): BilanView {
  const { pdf, synthesisVersion: _version, ...fields } = bilan;
  const rest = { ...fields, synthesisVersion: synthesisVersionOf(bilan) };
  if (isStaff(user) || user.role === "coach") {
    return pdf ? { ...rest, pdf: pdfInfo(pdf) } : rest;
  }
  // `generation` (provider, tokens), review notes and failure details stay internal.
  const { synthesis, generation: _g, review: _r, failure: _f, ...family } = rest;
  if (!RELEASED.includes(bilan.status)) return family;
  return {
    ...family,
    ...(synthesis !== undefined ? { synthesis } : {}),
    ...(pdf?.final ? { pdf: pdfInfo(pdf) } : {}),
  };
}

/** A bilan as lists show it: no answers, no synthesis (bilans.listForStudent, students cards). */
export const vBilanSummary = v.object({
  _id: v.id("bilans"),
  _creationTime: v.number(),
  ...bilanListFields,
});

export function bilanSummary(bilan: Doc<"bilans">) {
  return {
    _id: bilan._id,
    _creationTime: bilan._creationTime,
    studentId: bilan.studentId,
    subject: bilan.subject,
    niveau: bilan.niveau,
    questionnaireId: bilan.questionnaireId,
    status: bilan.status,
    overall: bilan.scores?.overall,
    createdAt: bilan.createdAt,
    updatedAt: bilan.updatedAt,
    submittedAt: bilan.submittedAt,
    sentAt: bilan.sentAt,
  };
}
