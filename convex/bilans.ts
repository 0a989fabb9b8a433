// Public bilan functions for students, families, coaches and staff.
// Who may do what (see convex/model/access.ts and model/bilans.ts):
// - createDraft: the student themself, staff, or an assigned coach;
// - saveAnswers, submit: the bilan's own student, or staff;
// - get, listForStudent: whoever may read the student (parents included:
//   they see answers, scores and profile; the synthesis once approved);
// - questionnaire, availableSubjects, progress: whoever may read the bilan or student
//   (never a correct answer; the family never sees a worker error);
// - previousResults: whoever may read the bilan (the earlier bilan is the same student's).
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { userMutation, userQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import { requireAnyRole, requireReadableStudent } from "./model/access";
import { summaryOfHead } from "./model/bilanHeads";
import { previousApprovedBilan } from "./model/bilanPipeline";
import {
  bilanView,
  createDraft as createDraftModel,
  requireReadableBilan,
  saveAnswers as saveAnswersModel,
  submit as submitModel,
  vBilanSummary,
  vBilanView,
} from "./model/bilans";
import { generationProgress, vGenerationProgress } from "./model/generationProgress";
import {
  availableSubjects as availableSubjectsModel,
  bilanQuestionnaire,
  vAvailableSubjects,
  vBilanQuestionnaire,
} from "./model/questionnaireView";
import { vBilanAnswers, vBilanScores } from "./tables/bilans";
import { vSubject } from "./validators";

export const createDraft = userMutation({
  args: { studentId: v.id("students"), subject: vSubject },
  returns: v.id("bilans"),
  handler: async (ctx, { studentId, subject }) => {
    requireAnyRole(ctx.user);
    return await createDraftModel(ctx, ctx.user, studentId, subject, Date.now());
  },
});

/** Replaces the draft's answers with `answers` (partial answers are fine). */
export const saveAnswers = userMutation({
  args: { bilanId: v.id("bilans"), answers: vBilanAnswers },
  returns: v.null(),
  handler: async (ctx, { bilanId, answers }) => {
    requireAnyRole(ctx.user);
    await saveAnswersModel(ctx, ctx.user, bilanId, answers, Date.now());
    return null;
  },
});

/** draft → submitted; computes scores and profile and enqueues the synthesis job. */
export const submit = userMutation({
  args: { bilanId: v.id("bilans") },
  returns: v.object({ jobId: v.id("jobs") }),
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    return await submitModel(ctx, ctx.user, bilanId, Date.now());
  },
});

export const get = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: vBilanView,
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    return bilanView(await requireReadableBilan(ctx, ctx.user, bilanId), ctx.user);
  },
});

/** A student's bilans, newest first, as summaries (no answers, no synthesis). */
export const listForStudent = userQuery({
  args: { studentId: v.id("students"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBilanSummary),
  handler: async (ctx, { studentId, paginationOpts }) => {
    requireAnyRole(ctx.user);
    await requireReadableStudent(ctx, ctx.user, studentId);
    // Heads, not whole bilans (model/bilanHeads.ts): the same summaries for a fraction of the reads.
    const result = await ctx.db
      .query("bilanHeads")
      .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
      .order("desc")
      .paginate(boundedPage(paginationOpts));
    return { ...result, page: result.page.map(summaryOfHead) };
  },
});

/** The bilan's questionnaire and survey as the student sees them (no correct answers), with its answers. */
export const questionnaire = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: vBilanQuestionnaire,
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    return await bilanQuestionnaire(ctx, ctx.user, bilanId);
  },
});

/** Subjects the student may start (niveau and spécialités), each with its open draft (« Reprendre »). */
export const availableSubjects = userQuery({
  args: { studentId: v.id("students") },
  returns: vAvailableSubjects,
  handler: async (ctx, { studentId }) => {
    requireAnyRole(ctx.user);
    return await availableSubjectsModel(ctx, ctx.user, studentId);
  },
});

/** Where the writing of the bilan stands while it is submitted or generating; null otherwise. */
export const progress = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: vGenerationProgress,
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    return await generationProgress(ctx, ctx.user, bilanId);
  },
});

/**
 * The previous approved (or sent) bilan of the same student and subject, with its per-domain
 * scores: the results pages show the change since then (compareBilans, as the report does).
 * Null when there is none. Read through by_studentId_and_subject_and_createdAt, bounded.
 */
export const previousResults = userQuery({
  args: { bilanId: v.id("bilans") },
  returns: v.union(
    v.object({ bilanId: v.id("bilans"), date: v.number(), scores: vBilanScores }),
    v.null(),
  ),
  handler: async (ctx, { bilanId }) => {
    requireAnyRole(ctx.user);
    const bilan = await requireReadableBilan(ctx, ctx.user, bilanId);
    return await previousApprovedBilan(ctx, bilan);
  },
});
