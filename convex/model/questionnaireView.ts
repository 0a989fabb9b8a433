// What a student's page receives to answer a bilan, and which subjects a student may start.
// The questionnaire and survey go through studentView()/studentSurveyView() of packages/shared:
// never a correct answer, an explanation or how a survey answer scores. The return validators
// below list every field allowed, so Convex itself refuses a value that would carry more.
// Readers of the bilan or student (model/access.ts) may call these; answering stays with
// the bilan's own student and staff (model/bilans.ts).
import { type Subject, subjectLabels } from "@nexus/shared/domain";
import { studentSurveyView, studentView } from "@nexus/shared/questionnaire";
import { getQuestionnaire, getSurvey, questionnaireFor } from "@nexus/shared/questionnaires";
import { subjectsForStudent } from "@nexus/shared/specialites";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { vBilanAnswers } from "../tables/bilans";
import { vBilanStatus, vNiveau, vSubject } from "../validators";
import {
  canWriteStudent,
  isOwnStudent,
  isStaff,
  requireReadableStudent,
  type User,
} from "./access";
import { domainCall, requireReadableBilan } from "./bilans";

const vOption = v.object({ id: v.string(), label: v.string() });

export const vStudentQuestionnaire = v.object({
  id: v.string(),
  version: v.number(),
  subject: vSubject,
  niveau: vNiveau,
  title: v.string(),
  description: v.optional(v.string()),
  domains: v.array(v.object({ id: v.string(), label: v.string(), description: v.string() })),
  questions: v.array(
    v.object({
      id: v.string(),
      domain: v.string(),
      difficulty: v.union(v.literal(1), v.literal(2), v.literal(3)),
      prompt: v.string(),
      code: v.optional(v.string()),
      options: v.array(vOption),
    }),
  ),
});

export const vStudentSurvey = v.object({
  id: v.string(),
  version: v.number(),
  title: v.string(),
  description: v.optional(v.string()),
  items: v.array(
    v.union(
      v.object({
        id: v.string(),
        kind: v.literal("likert"),
        prompt: v.string(),
        scale: v.object({
          min: v.number(),
          max: v.number(),
          minLabel: v.string(),
          maxLabel: v.string(),
        }),
      }),
      v.object({
        id: v.string(),
        kind: v.literal("single"),
        prompt: v.string(),
        options: v.array(vOption),
      }),
      v.object({
        id: v.string(),
        kind: v.literal("multiple"),
        prompt: v.string(),
        options: v.array(vOption),
        maxChoices: v.optional(v.number()),
      }),
    ),
  ),
});

export const vBilanQuestionnaire = v.object({
  bilanId: v.id("bilans"),
  status: vBilanStatus,
  subject: vSubject,
  niveau: vNiveau,
  questionnaire: vStudentQuestionnaire,
  survey: vStudentSurvey,
  answers: vBilanAnswers,
  /** The caller may save answers now: a draft, and the bilan's own student or staff. */
  canAnswer: v.boolean(),
});

/** A bilan's questionnaire and survey as its student sees them, with the saved answers. */
export async function bilanQuestionnaire(ctx: QueryCtx, user: User, bilanId: Id<"bilans">) {
  const bilan = await requireReadableBilan(ctx, user, bilanId);
  const student = await ctx.db.get(bilan.studentId);
  const answerer = isStaff(user) || (student !== null && isOwnStudent(user, student));
  return {
    bilanId: bilan._id,
    status: bilan.status,
    subject: bilan.subject,
    niveau: bilan.niveau,
    questionnaire: studentView(domainCall(() => getQuestionnaire(bilan.questionnaireId))),
    survey: studentSurveyView(getSurvey()),
    answers: bilan.answers,
    canAnswer: answerer && bilan.status === "draft",
  };
}

export const vAvailableSubjects = v.object({
  /** The caller may open a bilan for this student (the student, an assigned coach, staff). */
  canStart: v.boolean(),
  subjects: v.array(
    v.object({
      subject: vSubject,
      /** « Mathématiques », « Physique-chimie »… */
      label: v.string(),
      questionnaireId: v.string(),
      title: v.string(),
      questionCount: v.number(),
      domainCount: v.number(),
      /** The open draft of this subject, if any: the page offers « Reprendre ». */
      draft: v.union(
        v.null(),
        v.object({ bilanId: v.id("bilans"), answered: v.number(), updatedAt: v.number() }),
      ),
    }),
  ),
});

/** How far back open drafts are looked for (createDraft resumes within the same window). */
const RECENT_BILANS = 50;

/** Subjects the student may start (packages/shared/specialites.ts), each with its open draft. */
export async function availableSubjects(ctx: QueryCtx, user: User, studentId: Id<"students">) {
  const student = await requireReadableStudent(ctx, user, studentId);
  const recent = await ctx.db
    .query("bilans")
    .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", studentId))
    .order("desc")
    .take(RECENT_BILANS);
  const drafts = new Map<Subject, Doc<"bilans">>();
  for (const bilan of recent) {
    if (bilan.status === "draft" && !drafts.has(bilan.subject)) drafts.set(bilan.subject, bilan);
  }
  const subjects = subjectsForStudent(student).flatMap((subject) => {
    const questionnaire = questionnaireFor(subject, student.niveau);
    if (!questionnaire) return [];
    const draft = drafts.get(subject);
    return [
      {
        subject,
        label: subjectLabels[subject],
        questionnaireId: questionnaire.id,
        title: questionnaire.title,
        questionCount: questionnaire.questions.length,
        domainCount: questionnaire.domains.length,
        draft: draft
          ? {
              bilanId: draft._id,
              answered: Object.keys(draft.answers.qcm).length,
              updatedAt: draft.updatedAt,
            }
          : null,
      },
    ];
  });
  const canStart = isOwnStudent(user, student) || (await canWriteStudent(ctx, user, studentId));
  return { canStart, subjects };
}
