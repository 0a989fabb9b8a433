// Public bilan functions for students, families, coaches and staff.
// Who may do what (see convex/model/access.ts and model/bilans.ts):
// - createDraft: the student themself, staff, or an assigned coach;
// - saveAnswers, submit: the bilan's own student, or staff;
// - get, listForStudent: whoever may read the student (parents included:
//   they see answers, scores and profile; the synthesis once approved).
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { userMutation, userQuery } from "./lib/functions";
import { boundedPage } from "./lib/pagination";
import { requireAnyRole, requireReadableStudent } from "./model/access";
import {
  bilanSummary,
  bilanView,
  createDraft as createDraftModel,
  requireReadableBilan,
  saveAnswers as saveAnswersModel,
  submit as submitModel,
  vBilanView,
} from "./model/bilans";
import { vBilanAnswers, vBilanScores } from "./tables/bilans";
import { vBilanStatus, vNiveau, vSubject } from "./validators";

const vBilanSummary = v.object({
  _id: v.id("bilans"),
  _creationTime: v.number(),
  studentId: v.id("students"),
  subject: vSubject,
  niveau: vNiveau,
  questionnaireId: v.string(),
  status: vBilanStatus,
  overall: v.optional(vBilanScores.fields.overall),
  createdAt: v.number(),
  updatedAt: v.number(),
  submittedAt: v.optional(v.number()),
  sentAt: v.optional(v.number()),
});

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
    const result = await ctx.db
      .query("bilans")
      .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
      .order("desc")
      .paginate(boundedPage(paginationOpts));
    return { ...result, page: result.page.map(bilanSummary) };
  },
});
