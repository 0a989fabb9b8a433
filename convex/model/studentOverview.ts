// One card per student the caller follows (« Mes élèves » for a coach, one card per child
// for a parent, the élève's own home): the student, their latest bilans as summaries and
// the next step, phrased for the caller's role. Pages of students through the same indexes
// as students.listMine; LATEST_PER_STUDENT bilan heads (model/bilanHeads.ts, the list fields
// of a bilan, not the whole ~9 KB bilan) read per student through
// bilanHeads.by_studentId_and_createdAt, so a page of 50 reads at most 200 small rows.
import { type BilanStatus, type Role, type Subject, subjectLabels } from "@nexus/shared/domain";
import type { PaginationOptions } from "convex/server";
import { v } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { boundedPage } from "../lib/pagination";
import type { User } from "./access";
import { summaryOfHead } from "./bilanHeads";
import { listStudentsFor } from "./students";

export const LATEST_PER_STUDENT = 3;
export const MAX_CARDS_PER_PAGE = 50;

export const vNextStep = v.object({
  /**
   * start: no bilan yet; resume: a draft to finish; wait: the centre is working on it;
   * review: a bilan waits for the caller's review; retry: generation failed, a reviewer
   * relaunches it; read: the latest bilan was sent.
   */
  kind: v.union(
    v.literal("start"),
    v.literal("resume"),
    v.literal("wait"),
    v.literal("review"),
    v.literal("retry"),
    v.literal("read"),
  ),
  /** French, ready to show. */
  label: v.string(),
  bilanId: v.union(v.id("bilans"), v.null()),
});
export type NextStep = typeof vNextStep.type;

type Audience = "eleve" | "parent" | "reviewer";

function audienceOf(role: Role | undefined): Audience {
  if (role === "eleve") return "eleve";
  if (role === "parent") return "parent";
  return "reviewer";
}

/** What nextStep reads of the latest bilan: a bilan head (or a summary) is enough. */
export type LatestBilan = { _id: Id<"bilans">; subject: Subject; status: BilanStatus };

/** The next step for a student, from their latest bilan (newest first in `bilans`). */
export function nextStep(
  role: Role | undefined,
  student: Pick<Doc<"students">, "firstName">,
  latest: LatestBilan | undefined,
): NextStep {
  const who = audienceOf(role);
  if (!latest) {
    const label = {
      eleve: "Commencez votre premier bilan.",
      parent: `${student.firstName} n'a pas encore commencé de bilan.`,
      reviewer: `Aucun bilan pour ${student.firstName} : proposez-lui d'en commencer un.`,
    }[who];
    return { kind: "start", label, bilanId: null };
  }
  const subject = subjectLabels[latest.subject];
  const step = (kind: NextStep["kind"], label: string): NextStep => ({
    kind,
    label,
    bilanId: latest._id,
  });
  switch (latest.status) {
    case "draft":
      return who === "eleve"
        ? step("resume", `Reprenez votre bilan de ${subject}.`)
        : step("wait", `${student.firstName} répond au bilan de ${subject}.`);
    case "submitted":
    case "generating":
      return step("wait", `Le bilan de ${subject} est en cours de rédaction.`);
    case "review":
      return who === "reviewer"
        ? step("review", `Relisez le bilan de ${subject}.`)
        : step("wait", `Le bilan de ${subject} est en cours de relecture par le coach.`);
    case "approved":
      return step("wait", `Le bilan de ${subject} est validé : le rapport est en cours d'envoi.`);
    case "sent":
      return step(
        "read",
        who === "reviewer"
          ? `Le bilan de ${subject} a été envoyé à la famille.`
          : `Lisez le bilan de ${subject}.`,
      );
    case "failed":
      return who === "reviewer"
        ? step("retry", `La rédaction du bilan de ${subject} a échoué : relancez-la.`)
        : step("wait", `Le bilan de ${subject} est en cours de préparation par l'équipe.`);
  }
}

export async function studentCards(ctx: QueryCtx, user: User, paginationOpts: PaginationOptions) {
  const students = await listStudentsFor(
    ctx,
    user,
    boundedPage(paginationOpts, MAX_CARDS_PER_PAGE),
  );
  const page = await Promise.all(
    students.page.map(async (student) => {
      const heads = await ctx.db
        .query("bilanHeads")
        .withIndex("by_studentId_and_createdAt", (q) => q.eq("studentId", student._id))
        .order("desc")
        .take(LATEST_PER_STUDENT);
      const latestBilans = heads.map(summaryOfHead);
      return { student, latestBilans, nextStep: nextStep(user.role, student, latestBilans[0]) };
    }),
  );
  return { ...students, page };
}
