// In-app notifications of the bilan pipeline: the assigned coaches when a bilan is ready for
// review, the family (guardians and the élève's account) when its report was sent.
import { subjectLabels } from "@nexus/shared/domain";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { notifyMany } from "./notifications";

async function studentName(ctx: MutationCtx, bilan: Doc<"bilans">) {
  const student = await ctx.db.get(bilan.studentId);
  return { student, name: student ? `${student.firstName} ${student.lastName}` : "l’élève" };
}

export async function notifyReviewReady(ctx: MutationCtx, bilan: Doc<"bilans">): Promise<void> {
  const coaches = await ctx.db
    .query("coachAssignments")
    .withIndex("by_studentId", (q) => q.eq("studentId", bilan.studentId))
    .take(20);
  const { name } = await studentName(ctx, bilan);
  await notifyMany(
    ctx,
    coaches.map((c) => c.coachId),
    {
      kind: "bilan_review",
      title: `Bilan à relire : ${name}`,
      body: `La synthèse du bilan de ${subjectLabels[bilan.subject]} est prête pour votre relecture.`,
      link: `/coach/bilans/${bilan._id}`,
    },
  );
}

export async function notifyReportSent(ctx: MutationCtx, bilan: Doc<"bilans">): Promise<void> {
  const guardians = await ctx.db
    .query("guardianships")
    .withIndex("by_studentId", (q) => q.eq("studentId", bilan.studentId))
    .take(20);
  const { student, name } = await studentName(ctx, bilan);
  const parents: Id<"users">[] = guardians.map((g) => g.parentId);
  await notifyMany(ctx, parents, {
    kind: "report_sent",
    title: `Rapport envoyé : ${name}`,
    body: `Le rapport du bilan de ${subjectLabels[bilan.subject]} vous a été envoyé par e-mail.`,
    link: `/parent/bilans/${bilan._id}`,
  });
  if (student?.userId) {
    await notifyMany(ctx, [student.userId], {
      kind: "report_sent",
      title: "Ton rapport de bilan est disponible",
      body: `Le rapport du bilan de ${subjectLabels[bilan.subject]} a été envoyé à ta famille.`,
      link: `/eleve/bilans/${bilan._id}`,
    });
  }
}
